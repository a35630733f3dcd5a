"""How to qualify: the smallest change of facts that would change a decision.

For each item decision that grants nothing, :func:`how_to_qualify` states, per
failing or unknown reason, the change of facts that fixes that reason, with its
date, as a :class:`Suggestion` (the reason code, the clause, the message and the
changed facts as data), or says that nothing helps (a :class:`Blocker`: a
custom-made or engraved piece, a worn piece, a lost parcel...).

A decision reports *every* failing reason, so the smallest change that qualifies
fixes each of them. A refusal does not report the facts that are merely unknown
(a failure decides first); once the failures are fixed those show, so the fixes
are applied round by round until the item is granted. ``Qualification.case`` is
the case with every suggested change applied (``None`` when a blocker stands) and
``outcome_if_changed`` its outcome, evaluated, never assumed.

>>> from datetime import datetime, timezone
>>> from atlier_policy.cases import DefectClaim, Item, DefectKind, NoticeChannel, SalesChannel
>>> from atlier_policy.cases import ItemKind
>>> utc = timezone.utc
>>> ring = Item(sku="RING-7", channel=SalesChannel.WEBSITE, kind=ItemKind.READY_MADE,
...             personalized=False, engraved=False, resized=False, altered=False,
...             purchased_at=datetime(2025, 2, 27, 15, tzinfo=utc),
...             delivered_at=datetime(2025, 3, 3, 15, tzinfo=utc))
>>> claim = DefectClaim(order_id="A-1", item=ring, reported_at=datetime(2025, 3, 5, 15, tzinfo=utc),
...                     kind=DefectKind.MANUFACTURING_DEFECT, channel=NoticeChannel.EMAIL)
>>> (q,) = how_to_qualify(claim)
>>> print(q.suggestions[0].message)  # doctest: +NORMALIZE_WHITESPACE
send clear photos of the issue to support@atlierjewelry.com by 2025-03-06
to complete the defect claim
>>> q.outcome.value, q.outcome_if_changed.value
('incomplete', 'accepted_pending_inspection')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from atlier_policy._values import value_class
from atlier_policy.advice import (
    Blocker,
    Change,
    FixContext,
    FixKind,
    Suggestion,
    View,
    get_path,
    set_path,
)
from atlier_policy.decision import Decision, OrderDecision, Outcome, Role, _display
from atlier_policy.errors import AtlierPolicyError, InputError, PolicyDefinitionError
from atlier_policy.policy import Policy
from atlier_policy.rules import Finding
from atlier_policy.stages import PROVISIONS
from atlier_policy.strings import in_words, one_line
from atlier_policy.versions import PolicyVersions, _typed, default_evaluator, policy_named

if TYPE_CHECKING:
    from atlier_policy.policy import Case

__all__ = [
    "Blocker",
    "Change",
    "FixKind",
    "Qualification",
    "Qualifications",
    "Suggestion",
    "format_qualification",
    "how_to_qualify",
]

_ROUNDS = 4  # failures, then the unknowns they hid, then what those hid: enough for every stage

Fix = Callable[[FixContext], Suggestion | Blocker | None]


@value_class(kw_only=True)
class Qualification:
    """How one item decision could qualify: suggestions, blockers, the changed case."""

    stage: str
    order_id: str
    sku: str | None
    outcome: Outcome
    suggestions: tuple[Suggestion, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    case: Case | None = None
    outcome_if_changed: Outcome | None = None

    @property
    def granted_already(self) -> bool:
        """Whether the decision already grants something (nothing to change)."""
        return self.outcome.role is Role.GRANTED

    @property
    def cannot_qualify(self) -> bool:
        """Whether a reason stands that no change of facts by the customer lifts."""
        return bool(self.blockers)

    def __repr__(self) -> str:
        # Short: the default would print the whole changed case.
        subject = f"order {self.order_id!r}" + (f", item {self.sku!r}" if self.sku else "")
        then = "" if self.outcome_if_changed is None else f" -> {self.outcome_if_changed.value}"
        return (
            f"Qualification({subject}, {self.outcome.value}{then}, "
            f"{_n(len(self.suggestions), 'suggestion')}, {_n(len(self.blockers), 'blocker')})"
        )

    def _repr_html_(self) -> str:
        """The steps, with their dates, as a table in Jupyter (the display adapter's)."""
        return _display("qualification_html")(self)  # type: ignore[no-any-return]


class Qualifications(tuple[Qualification, ...]):
    """What :func:`how_to_qualify` gives: a tuple (equal to the plain tuple) that
    Jupyter shows as one table per item."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return _display("qualifications_html")(self)  # type: ignore[no-any-return]


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _fixes(policy: Policy) -> dict[str, Fix]:
    """The fix each clause and provision of ``policy`` declares, by id."""
    found: dict[str, Fix] = {p.id: p.fix for p in PROVISIONS if p.fix is not None}
    found.update({c.id: c.fix for c in policy.clauses() if c.fix is not None})
    return found


def _fix(fixes: Mapping[str, Fix], c: FixContext) -> Suggestion | Blocker:
    clause_id = c.reason.clause_id
    fix = fixes.get(clause_id)
    try:
        found = fix(c) if fix is not None else None
    except Exception as exc:  # a fix that fails is a bug of its clause: say which
        raise PolicyDefinitionError(
            f"clause {clause_id}: its fix failed ({type(exc).__name__}: {exc})"
        ) from exc
    if found is not None and not isinstance(found, Suggestion | Blocker):
        raise PolicyDefinitionError(
            f"clause {clause_id}: its fix must give a Suggestion, a Blocker or None "
            f"(got {type(found).__name__})"
        )
    if found is None:
        return c.block(
            f"no known change of facts lifts {c.reason.code}: a clause of the store's own "
            "or a fact only the support team can establish"
        )
    return found


def _changed(case: Any, s: Suggestion, ch: Change) -> Any:
    try:
        return set_path(case, ch.path, ch.new)
    except AtlierPolicyError:
        raise
    except (AttributeError, IndexError, TypeError, ValueError) as exc:
        raise PolicyDefinitionError(
            f"clause {s.clause_id}: its fix changes `{ch.path}`, which the case cannot "
            f"take ({type(exc).__name__}: {exc})"
        ) from exc


# --- the search -----------------------------------------------------------------------


def _item(result: Decision | OrderDecision, index: int) -> Decision:
    return result.items[index] if isinstance(result, OrderDecision) else result


def _qualify(
    case: Case,
    index: int,
    decision: Decision,
    policy: Policy | PolicyVersions,
    rounds: int = _ROUNDS,
) -> Qualification:
    base = Qualification(
        stage=decision.stage,
        order_id=decision.order_id,
        sku=decision.sku,
        outcome=decision.outcome,
    )
    if decision.granted:
        return base
    # The terms and clauses of the version the decision was made under.
    under = policy_named(policy, decision.policy_version, "how to qualify")
    view: View = under.stage_of(case).view(case, index)
    fixes = _fixes(under)
    suggestions: list[Suggestion] = []
    blockers: list[Blocker] = []
    handled: set[tuple[str, str, Finding, tuple[str, ...]]] = set()
    current, d, fits = case, decision, True
    for _ in range(rounds):
        new = [
            r
            for r in d.reasons
            if r.finding is not Finding.PASSED
            and (r.clause_id, r.code, r.finding, r.missing) not in handled
        ]
        for r in new:
            handled.add((r.clause_id, r.code, r.finding, r.missing))
            found = _fix(fixes, FixContext(current, r, view, under.terms, case))
            if isinstance(found, Blocker):
                blockers.append(found)
            else:
                suggestions.append(found)
        if blockers or any(not s.changes for s in suggestions):
            break
        candidate = current
        try:
            for s in suggestions:
                for ch in s.changes:
                    candidate = _changed(candidate, s, ch)
        except InputError:
            fits = False  # the changes do not fit the other facts of the case: no case
            break
        current = candidate
        d = _item(policy.evaluate(current), index)
        if d.granted:
            break
    # Changes are reported against the case as given.
    suggestions = [
        replace(s, changes=tuple(replace(ch, old=get_path(case, ch.path)) for ch in s.changes))
        for s in suggestions
    ]
    done = fits and current is not case and not blockers and d is not decision
    return replace(
        base,
        suggestions=tuple(suggestions),
        blockers=tuple(blockers),
        case=current if done else None,
        outcome_if_changed=d.outcome if done else None,
    )


def how_to_qualify(
    case: Case | Mapping[str, Any], *, policy: Policy | PolicyVersions | None = None
) -> Qualifications:
    """One :class:`Qualification` per item decision of ``case`` (one per item of a return
    request, one otherwise), under ``policy`` (by default the one every entry point
    uses, ``default_evaluator()``: the version in force at the purchase date).

    ``case`` is a typed case or a JSON document (a ``dict``); ``policy`` a
    :class:`Policy` or a :class:`PolicyVersions` registry (the case is then judged
    under the version in force at its purchase date, and the suggestions use that
    version's terms)."""
    policy = default_evaluator(policy, "how to qualify")
    typed = _typed(case, policy)
    result = policy.evaluate(typed)
    items = result.items if isinstance(result, OrderDecision) else (result,)
    return Qualifications(_qualify(typed, i, d, policy) for i, d in enumerate(items))


def format_qualification(q: Qualification) -> str:
    """The suggestions and blockers as plain-English lines, one per entry (a case's own
    line breaks and control characters escaped).

    >>> from atlier_policy.decision import ParcelOutcome
    >>> done = ParcelOutcome.PROCEED_TO_INSPECTION
    >>> q = Qualification(stage="lost_parcel", order_id="P-1", sku=None, outcome=done)
    >>> format_qualification(q)
    'order P-1: proceed to inspection: nothing to change'
    """
    subject = f"order {q.order_id}" + (f", item {q.sku}" if q.sku else "")
    head = f"{subject}: {in_words(q.outcome.value)}"
    lines = list(dict.fromkeys(f"- {s.message}" for s in q.suggestions))
    lines += [f"- cannot qualify: {b.message}" for b in q.blockers]
    if not lines:
        return one_line(f"{head}: nothing to change")
    if q.outcome_if_changed is not None:
        lines.append(f"with these changes: {in_words(q.outcome_if_changed.value)}")
    # One line per entry, whatever the case's strings hold (escaped, as str(decision)).
    return "\n".join(map(one_line, [f"{head}:", *lines]))
