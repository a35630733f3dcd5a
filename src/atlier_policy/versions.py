"""Policy versions by effective date: which terms were in force when.

A :class:`PolicyVersions` registry holds one :class:`Policy` per version (its
``terms.version`` and ``terms.effective_date``). A version is in force from its
effective date until the next version's. A case is judged under the version in
force on its **purchase date** (the item's ``purchased_at`` as a calendar date in
the store's time zone) or on a date the caller names::

    >>> from datetime import date
    >>> from atlier_policy.policy import default_policy
    >>> later = default_policy(version="2026-01-01", effective_date=date(2026, 1, 1),
    ...                        return_window_days=14)
    >>> versions = default_versions().with_version(later)
    >>> versions.for_date(date(2025, 12, 31)).version, versions.for_date(date(2026, 1, 1)).version
    ('2025-01-12', '2026-01-01')

Fail closed (``docs/versions.md``):

- a purchase date before the first version: the terms then in force are unknown,
  so the decision is ``needs_review`` (reason ``no_policy_version_in_force``);
- an unknown purchase date: nothing bounds a purchase from below, so it may
  precede the first version, whose terms are unknown: the decision is
  ``needs_review`` (reason ``policy_version_unknown``, missing ``purchased_at``),
  unless the first version is in force from the earliest instant a case may
  hold (1900-01-01). Then the purchase happened on or before the case's earliest
  known date (delivery, request...), every version in force by then is a
  candidate, the case is evaluated under each, and the decision is returned only
  if all of them give the same decision (deadlines included);
- the items of one return request are one purchase: one known date dates it, and
  if their dates fall under different versions the version is ambiguous.
"""

from __future__ import annotations

import importlib
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import field, replace
from datetime import date, datetime
from functools import cache
from itertools import pairwise
from typing import Any

from atlier_policy._values import value_class
from atlier_policy.cases import Item
from atlier_policy.clauses import LAST_UPDATED
from atlier_policy.deadlines import store_date
from atlier_policy.decision import Decision, Obligations, OrderDecision, Role
from atlier_policy.errors import InputError, warn_deprecated
from atlier_policy.limits import MAX_VERSION_EVALUATIONS, MAX_VERSIONS
from atlier_policy.policy import Case, Policy
from atlier_policy.rules import Explanation, Finding, Reason
from atlier_policy.stages import STAGES, StageSpec, find_stage
from atlier_policy.strings import in_words
from atlier_policy.terms import PolicyTerms

__all__ = [
    "EARLIEST_PURCHASE",
    "NO_VERSION",
    "PolicyVersions",
    "default_evaluator",
    "default_versions",
    "policy_named",
]

NO_VERSION = "none"
"""``policy_version`` of a decision made before the first known version, or under none."""

EARLIEST_PURCHASE = date(1900, 1, 1)
"""The earliest day a case's instants may fall on: a first version in force from then
covers every purchase, dated or not."""

_CTX = "policy versions"


@value_class()
class PolicyVersions:
    """An immutable registry of policy versions, ordered by effective date.

    Version ids and effective dates are unique; every version uses the same store
    time zone (the purchase date is read in it).
    """

    policies: tuple[Policy, ...]
    # Derived once (see __post_init__): every stage a version judges, and by case class.
    _stages: tuple[StageSpec, ...] = field(init=False, repr=False, compare=False)
    _by_case: dict[type, StageSpec] = field(init=False, repr=False, compare=False)
    _starts: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        given = self.policies
        if not isinstance(given, tuple) or not given:
            raise InputError.single("policies", "a non-empty tuple of Policy", given, _CTX)
        if len(given) > MAX_VERSIONS:
            raise InputError.single(
                "policies", f"at most {MAX_VERSIONS} versions", f"{len(given)} versions", _CTX
            )
        for i, policy in enumerate(given):
            if not isinstance(policy, Policy):
                raise InputError.single(f"policies[{i}]", "a Policy", type(policy).__name__, _CTX)
        ordered = tuple(sorted(given, key=lambda p: p.terms.effective_date))
        for a, b in pairwise(ordered):
            if a.terms.effective_date == b.terms.effective_date:
                raise InputError.single(
                    "effective_date",
                    f"a date no other version takes effect on (version {a.version!r} does)",
                    b.terms.effective_date.isoformat(),
                    f"{_CTX}: version {b.version!r}",
                )
        seen: set[str] = set()
        for policy in ordered:
            if policy.version in seen:
                raise InputError.single("version", "unique in the registry", policy.version, _CTX)
            seen.add(policy.version)
            zone, first = policy.terms.store_timezone, ordered[0].terms.store_timezone
            if zone != first:
                raise InputError.single(
                    "store_timezone", f"the same in every version ({first!r})", zone, _CTX
                )
        object.__setattr__(self, "policies", ordered)
        seen_stages: dict[str, StageSpec] = {}
        for policy in ordered:
            for spec in policy.stages:
                seen_stages.setdefault(spec.name, spec)
        object.__setattr__(self, "_stages", tuple(seen_stages.values()))
        object.__setattr__(self, "_by_case", {s.case: s for s in self._stages})
        object.__setattr__(self, "_starts", tuple(p.terms.effective_date for p in ordered))

    @classmethod
    def of(cls, *versions: Policy | PolicyTerms) -> PolicyVersions:
        """A registry of these versions; bare terms get the text's rules."""
        return cls(tuple(_as_policy(v) for v in versions))

    def with_version(self, version: Policy | PolicyTerms) -> PolicyVersions:
        """This registry plus one more version."""
        return PolicyVersions((*self.policies, _as_policy(version)))

    @property
    def versions(self) -> tuple[str, ...]:
        """The version ids, oldest first."""
        return tuple(p.version for p in self.policies)

    def __iter__(self) -> Iterator[Policy]:
        return iter(self.policies)

    def __len__(self) -> int:
        return len(self.policies)

    def _in_force(self, day: date) -> Policy | None:
        i = bisect_right(self._starts, day)
        return self.policies[i - 1] if i else None

    def for_date(self, day: date) -> Policy:
        """The version in force on ``day``: the latest whose effective date is on or before it."""
        if not isinstance(day, date) or isinstance(day, datetime):
            raise InputError.single("date", "a date (not a datetime)", day, _CTX)
        policy = self._in_force(day)
        if policy is None:
            first = self.policies[0]
            raise InputError.single(
                "date",
                f"on or after {first.terms.effective_date.isoformat()}, "
                f"when the first version ({first.version!r}) took effect",
                day.isoformat(),
                _CTX,
            )
        return policy

    def named(self, version: str) -> Policy:
        """The version a decision names in ``policy_version``.

        A label of several candidates (``"A or B"``, whose decisions agreed) names
        the latest of them; ``NO_VERSION`` (bought before the first version) the
        first, whose support contact is the oldest known. Any other label is not a
        version of this registry: an :class:`InputError`.
        """
        by_id = {p.version: p for p in self.policies}
        if version == NO_VERSION and NO_VERSION not in by_id:
            return self.policies[0]
        parts = version.split(" or ") if isinstance(version, str) else [version]
        if not all(isinstance(part, str) and part in by_id for part in parts):
            raise InputError.single(
                "policy_version",
                f"a version of the registry ({', '.join(self.versions)})",
                version,
                _CTX,
            )
        return max((by_id[part] for part in parts), key=lambda p: p.terms.effective_date)

    @property
    def stages(self) -> tuple[StageSpec, ...]:
        """Every stage a version judges (of two entries of one name, the earlier's)."""
        return self._stages

    def evaluate(
        self, case: Case | Mapping[str, Any], *, on: date | None = None
    ) -> Decision | OrderDecision:
        """Evaluate ``case`` under the version in force on ``on`` or else on its purchase date."""
        typed = _typed(case, self)
        if on is not None:
            return self.for_date(on).evaluate(typed)
        tz = self.policies[0].terms.tz
        spec = find_stage(self._stages, typed, self._by_case)
        items = tuple(piece.item for piece in spec.pieces(typed))
        known = [store_date(i.purchased_at, tz) for i in items if i.purchased_at is not None]
        unknown = not known
        bound = None  # the earliest day after the purchase, read only when it is unknown
        if unknown:
            later = [store_date(t, tz) for t in _after_purchase(typed, items, spec)]
            bound = min(later, default=None)
            open_ended = self.policies[0].terms.effective_date > EARLIEST_PURCHASE
            if open_ended and (items or bound is None):
                # Fail closed: an undated purchase may precede every version we hold (a
                # case naming no piece, a lost parcel, is dated by its own facts, if any).
                return _undated(self.policies[0], typed, spec, bool(items))
        # Each known purchase date's version, asked once.
        in_force = [self._in_force(d) for d in known]
        early = [d for d, p in zip(known, in_force, strict=True) if p is None]
        chosen = {p.version: p for p in in_force if p is not None}
        if unknown:
            if bound is not None and self._in_force(bound) is None:
                early.append(bound)
            chosen.update(
                (p.version, p)
                for p in self.policies
                if bound is None or p.terms.effective_date <= bound
            )
        if early:
            return _too_early(self.policies[0], typed, min(early), known=not unknown)
        candidates = sorted(chosen.values(), key=lambda p: p.terms.effective_date)
        if len(candidates) * max(len(items), 1) > MAX_VERSION_EVALUATIONS:
            # The case is evaluated under each candidate: bounded work, or a clear refusal.
            raise InputError.single(
                "purchased_at",
                f"known, or fewer versions x items to evaluate the case under "
                f"(at most {MAX_VERSION_EVALUATIONS:,})",
                f"{'unknown' if unknown else 'dates under several versions'}: "
                f"{len(candidates)} versions x {len(items)} items",
                _CTX,
            )
        decisions = [p.evaluate(typed) for p in candidates]
        if len(decisions) == 1:
            return decisions[0]
        return _merge(candidates, decisions, unknown=unknown)


def default_versions() -> PolicyVersions:
    """The registry of the text as written: one version, "Last Updated: 01/12/2025"."""
    return PolicyVersions((Policy(),))


@cache
def _default() -> PolicyVersions:
    return default_versions()  # an immutable value, built once


def default_evaluator(
    policy: Policy | PolicyVersions | None = None, context: str = "evaluate"
) -> Policy | PolicyVersions:
    """The one default of every entry point and tool: ``policy`` as given, else the
    registry of the text's versions (each case judged under the version in force at
    its purchase date)."""
    if policy is None:
        return _default()
    if isinstance(policy, Policy | PolicyVersions):
        return policy
    raise InputError.single(
        "policy", "a Policy, a PolicyVersions registry or None", type(policy).__name__, context
    )


def policy_named(policy: Policy | PolicyVersions | None, version: str, context: str) -> Policy:
    """The policy whose terms a decision of ``version`` was made under: ``policy`` itself,
    or the registry's version of that name (``default_versions()`` when ``None``)."""
    policy = default_evaluator(policy, context)
    if isinstance(policy, Policy):
        return policy
    return policy.named(version)


# --- the facts that date a case ---------------------------------------------------------


def _as_policy(version: Policy | PolicyTerms) -> Policy:
    return Policy(version) if isinstance(version, PolicyTerms) else version


def _typed(case: Any, policy: object = None) -> Any:
    """A typed case of a stage ``policy`` knows (by default the text's six); a JSON
    document is deprecated here: decode it with the codec first."""
    stages, table = STAGES, None
    if isinstance(policy, Policy | PolicyVersions):
        stages, table = policy.stages, policy._by_case
    if isinstance(case, Mapping):
        warn_deprecated(
            "passing a JSON document to a tool is deprecated: decode it with "
            "atlier_policy.codec.case_from_dict"
        )
        codec = importlib.import_module("atlier_policy.codec")  # the adapter, at run time
        case = codec.case_from_dict(dict(case), stages=stages)
    # A case of a stage the policy knows, or our error (by the policy's own table).
    find_stage(stages, case, table)
    return case


def _after_purchase(case: Any, items: tuple[Item, ...], spec: StageSpec) -> Iterator[datetime]:
    """Instants that cannot precede the purchase: they bound an unknown purchase date."""
    for instant in (*(i.delivered_at for i in items), *(e.at for e in spec.events(case))):
        if isinstance(instant, datetime):
            yield instant


# --- fail-closed results ------------------------------------------------------------------


def _review(d: Decision, reason: Reason, version: str) -> Decision:
    """``d`` turned into "needs review" for ``reason``: no obligations, no deadlines."""
    return replace(
        d,
        outcome=next(o for o in type(d.outcome) if o.role is Role.REVIEW),
        explanation=Explanation.given((reason,), (), reason.missing),
        obligations=Obligations(),
        settlement=None,
        policy_version=version,
    )


def _reason(
    code: str,
    message: str,
    facts: tuple[tuple[str, str], ...],
    *,
    missing: bool,
    dated_by: tuple[str, ...] = ("purchased_at",),
) -> Reason:
    return Reason(
        code=code,
        finding=Finding.UNKNOWN,
        clause_id=LAST_UPDATED.id,
        section=LAST_UPDATED.section,
        sentence=LAST_UPDATED.sentence,
        message=message,
        facts=facts,
        missing=dated_by if missing else (),
    )


def _too_early(first: Policy, case: Case, day: date, *, known: bool) -> Decision | OrderDecision:
    start = first.terms.effective_date.isoformat()
    when = f"bought on {day}" if known else f"bought on or before {day}"
    reason = _reason(
        "no_policy_version_in_force",
        f"{when}, before the first known version of the policy ({first.version}, "
        f"in force from {start}): the terms then in force are not known",
        (("purchased" if known else "purchased_by", day.isoformat()), ("first_version", start)),
        missing=False,
    )
    return _under_no_version(first, case, reason)


def _under_no_version(first: Policy, case: Case, reason: Reason) -> Decision | OrderDecision:
    """Every item of ``case`` in review for ``reason``, under no version (the first
    version's decision gives only the shape)."""
    shape = first.evaluate(case)
    if isinstance(shape, OrderDecision):
        items = tuple(_review(d, reason, NO_VERSION) for d in shape.items)
        return replace(shape, items=items, policy_version=NO_VERSION)
    return _review(shape, reason, NO_VERSION)


def _undated(first: Policy, case: Case, spec: StageSpec, items: bool) -> Decision | OrderDecision:
    # A case that names a piece is dated by its purchase; one that names none (a lost
    # parcel) by its own dated facts, and those are what is missing.
    dated_by: tuple[str, ...] = ("purchased_at",)
    if not items:
        dated_by = tuple(e.field for e in spec.events(case) if e.field) or dated_by
    what = (
        "the purchase date is unknown: it" if items else f"{dated_by[0]} is unknown: the purchase"
    )
    reason = _reason(
        "policy_version_unknown",
        f"{what} may fall before the first known version of the "
        f"policy ({first.version}, in force from {first.terms.effective_date}), whose terms "
        "are not known",
        (("first_version", first.terms.effective_date.isoformat()),),
        missing=True,
        dated_by=dated_by,
    )
    return _under_no_version(first, case, reason)


def _merge(
    candidates: list[Policy], decisions: list[Decision | OrderDecision], *, unknown: bool
) -> Decision | OrderDecision:
    """One decision if every candidate version agrees on it, else "needs review"."""
    label = " or ".join(p.version for p in candidates)
    last = decisions[-1]
    if isinstance(last, OrderDecision):
        orders = [d for d in decisions if isinstance(d, OrderDecision)]
        per_item = zip(*(o.items for o in orders), strict=True)
        items = tuple(_merge_one(candidates, list(ds), label, unknown) for ds in per_item)
        same = all(a is b for a, b in zip(items, last.items, strict=True))
        return last if same else replace(last, items=items, policy_version=label)
    singles = [d for d in decisions if isinstance(d, Decision)]
    return _merge_one(candidates, singles, label, unknown)


def _merge_one(
    candidates: list[Policy], decisions: list[Decision], label: str, unknown: bool
) -> Decision:
    last = decisions[-1]
    if all(replace(d, policy_version="") == replace(last, policy_version="") for d in decisions):
        # Every version that may apply decides alike; the decision names them all, not
        # one picked without knowing the purchase date.
        return last if last.policy_version == label else replace(last, policy_version=label)
    under = ", ".join(
        f"{p.version}: {in_words(d.outcome.value)}"
        for p, d in zip(candidates, decisions, strict=True)
    )
    why = (
        "the purchase date is unknown"
        if unknown
        else "the items' purchase dates fall under different versions"
    )
    outcomes = {d.outcome for d in decisions}
    differ = (
        f"decide differently ({under})"
        if len(outcomes) > 1
        else f"({label}) agree on the outcome, {in_words(last.outcome.value)}, "
        "but not on its reasons or deadlines"
    )
    reason = _reason(
        "policy_version_unknown",
        f"{why} and the versions that may apply {differ}",
        tuple((p.version, d.outcome.value) for p, d in zip(candidates, decisions, strict=True)),
        missing=unknown,
    )
    return _review(last, reason, label)
