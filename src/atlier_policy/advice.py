"""How a reason can be lifted: the values a clause's ``fix`` works with and returns.

A clause declares, with its check, how a failing or unknown reason of it can be
lifted (``Clause(..., fix=...)``): a function of a :class:`FixContext` that returns
a :class:`Suggestion` (the change of facts that fixes the reason), a
:class:`Blocker` (nothing the customer can do lifts it), or ``None`` (the clause
knows no fix). :func:`atlier_policy.qualify.how_to_qualify` is the mechanism that
calls them, applies the changes and evaluates again; it knows no clause.

Facts are named by dotted paths from the case (``items[0].item.engraved``); the
:class:`View` of a stage says where one item's facts live in a case of that stage,
so that one clause's fix serves a return request, an exchange and an inspection.

>>> from atlier_policy.cases import Condition
>>> c = Condition(unused=True, unworn=True, original_packaging=False)
>>> set_path(c, "original_packaging", True).original_packaging
True
"""

from __future__ import annotations

import enum
from dataclasses import FrozenInstanceError, replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from atlier_policy._values import value_class
from atlier_policy.cases import StoreDay, before
from atlier_policy.deadlines import store_date
from atlier_policy.rules import Finding, Reason

if TYPE_CHECKING:
    from atlier_policy.terms import PolicyTerms

__all__ = [
    "Blocker",
    "Change",
    "FixContext",
    "FixKind",
    "Suggestion",
    "View",
    "get_path",
    "set_path",
]


class FixKind(enum.StrEnum):
    """Who can make the change, and when."""

    ACT = "act"  # the customer can still do it: send photos, a proof of purchase, the tags...
    WOULD_HAVE = "would_have"  # a past fact: what would have qualified (a request by a date)
    RECORD = "record"  # a fact the store must record or establish (availability, a finding)
    DEFECT = "defect"  # a sale item: only a confirmed defect qualifies


@value_class(kw_only=True)
class Change:
    """One fact changed: ``path`` is dotted from the case (``items[0].item.engraved``)."""

    path: str
    old: object
    new: object


@value_class(kw_only=True)
class Suggestion:
    """The change of facts that fixes one reason.

    ``changes`` is empty when the library cannot name the new value (e.g. a price
    nobody recorded); ``deadline`` is the date the message is about, if any.
    """

    code: str
    clause_id: str
    section: str
    kind: FixKind
    message: str
    changes: tuple[Change, ...]
    deadline: date | None = None


@value_class(kw_only=True)
class Blocker:
    """A reason no change the customer can make will lift."""

    code: str
    clause_id: str
    section: str
    message: str


@value_class(kw_only=True)
class View:
    """Where the facts of one item live in a case of some stage (dotted paths).

    ``item`` is the piece (empty: the case names no piece), ``condition``,
    ``defect_confirmed``, ``reason``, ``requested_at`` and ``proof`` those of a
    return line, ``claim`` the prefix of a defect claim's own facts (``request.`` at
    inspection); ``inspected``: the facts are the quality team's findings, which only
    the team records.
    """

    item: str = ""
    condition: str = ""
    defect_confirmed: str = ""
    requested_at: str = ""
    proof: str = ""
    claim: str = ""
    reason: str = ""
    inspected: bool = False


def get_path(obj: Any, path: str) -> Any:
    """The value at a dotted path (``items[0].item``) of ``obj``."""
    for part in path.split("."):
        name, _, index = part.partition("[")
        obj = getattr(obj, name)
        if index:
            obj = obj[int(index[:-1])]
    return obj


def set_path(obj: Any, path: str, value: Any) -> Any:
    """A copy of the frozen value ``obj`` with ``value`` at the dotted ``path``
    (each level rebuilt with ``dataclasses.replace``, so each is validated again)."""
    head, _, rest = path.partition(".")
    name, _, index = head.partition("[")
    if index:
        seq = list(getattr(obj, name))
        i = int(index[:-1])
        seq[i] = set_path(seq[i], rest, value)
        return replace(obj, **{name: tuple(seq)})
    if not rest:
        return replace(obj, **{name: value})
    return replace(obj, **{name: set_path(getattr(obj, name), rest, value)})


class FixContext:
    """What a clause's ``fix`` sees: the reason to lift, on the case as fixed so far.

    ``case`` is the case with the earlier rounds' changes applied, ``given`` the case
    as given (what the customer can still do is judged on it), ``view`` where the
    item's facts live, ``terms`` those of the version the decision was made under.

    Frozen and slotted, compared and hashed by its five values, like the frozen
    dataclass it was; written out, so that importing the module creates one dataclass
    fewer.
    """

    __slots__ = ("case", "given", "reason", "terms", "view")
    __match_args__ = ("case", "reason", "view", "terms", "given")

    case: Any
    reason: Reason
    view: View
    terms: PolicyTerms
    given: Any

    def __init__(
        self, case: Any, reason: Reason, view: View, terms: PolicyTerms, given: Any
    ) -> None:
        init = object.__setattr__
        init(self, "case", case)
        init(self, "reason", reason)
        init(self, "view", view)
        init(self, "terms", terms)
        init(self, "given", given)

    def _values(self) -> tuple[Any, Reason, View, PolicyTerms, Any]:
        return (self.case, self.reason, self.view, self.terms, self.given)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        case, reason, view, terms, given = self._values()
        return (
            f"{self.__class__.__qualname__}(case={case!r}, reason={reason!r}, view={view!r}, "
            f"terms={terms!r}, given={given!r})"
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[FixContext], tuple[Any, ...]]:
        return (self.__class__, self._values())

    @property
    def failed(self) -> bool:
        """Whether the reason is a failure (otherwise a fact is unknown)."""
        return self.reason.finding is Finding.FAILED

    def at(self, path: str) -> Any:
        """The fact at ``path`` of the case as fixed so far."""
        return get_path(self.case, path)

    def asked(self, path: str) -> date:
        """The store date of a request or report, as given (not as a fix moved it)."""
        return store_date(get_path(self.given, path), self.terms.tz)

    def day(self, instant: datetime) -> date:
        """The store date of ``instant``."""
        return store_date(instant, self.terms.tz)

    def in_time(self, last: date, floor: datetime | None) -> datetime:
        """An instant on the store date ``last`` (noon), not before ``floor`` on that day.

        A :class:`~atlier_policy.cases.StoreDay` floor is a whole day with no time of its
        own (noon on it is never before it), so the answer is always a plain instant,
        which every field accepts.
        """
        at = datetime.combine(last, time(12), tzinfo=self.terms.tz)
        if isinstance(floor, StoreDay):
            floor = None
        if floor is not None and before(at, floor) and self.day(floor) == last:
            return floor
        return at

    def fix(
        self,
        kind: FixKind,
        message: str,
        *changes: tuple[str, object],
        deadline: date | None = None,
    ) -> Suggestion:
        """A suggestion for this reason: ``changes`` are ``(path, new value)`` pairs."""
        r = self.reason
        return Suggestion(
            code=r.code,
            clause_id=r.clause_id,
            section=r.section,
            kind=kind,
            message=message,
            changes=tuple(Change(path=p, old=self.at(p), new=v) for p, v in changes),
            deadline=deadline,
        )

    def block(self, message: str) -> Blocker:
        """A blocker for this reason."""
        r = self.reason
        return Blocker(code=r.code, clause_id=r.clause_id, section=r.section, message=message)
