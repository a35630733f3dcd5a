"""Every date that matters for a case, in order: facts, deadlines and the refund window.

A timeline is a :class:`Timeline`, a tuple of :class:`TimelineEntry` sorted by date
(entries on the same day keep the order in which the policy reaches them) that a
notebook shows as a dated table. ``kind`` says what a date is:
``event`` (a fact of the case: delivered, requested, inspected...), ``deadline`` (a
last day to act) or ``refund`` (when an approved refund is processed). Dates are
calendar dates in the store's time zone, as the policy counts them.

>>> from datetime import date
>>> from atlier_policy.terms import PolicyTerms
>>> entries = timeline_of_dates(PolicyTerms(), delivered=date(2025, 3, 3))
>>> [(str(e.date), e.key) for e in entries]  # doctest: +NORMALIZE_WHITESPACE
[('2025-03-03', 'delivered'), ('2025-03-06', 'last_day_to_report_defect'),
 ('2025-03-10', 'last_day_to_request_return')]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from atlier_policy._values import value_class
from atlier_policy.cases import Item, ReturnItem
from atlier_policy.deadlines import ordinal, refund_window, store_date
from atlier_policy.decision import Decision, OrderDecision, _display
from atlier_policy.errors import DateOutOfRangeError, InputError
from atlier_policy.policy import Case, Policy
from atlier_policy.rules import Clause, Deadline, Finding
from atlier_policy.stages import StageSpec
from atlier_policy.strings import in_words, one_line
from atlier_policy.terms import PolicyTerms
from atlier_policy.versions import (
    NO_VERSION,
    PolicyVersions,
    _typed,
    default_evaluator,
    policy_named,
)

_CTX = "timeline"

__all__ = [
    "Timeline",
    "TimelineEntry",
    "TimelineKind",
    "format_timeline",
    "timeline",
    "timeline_of_dates",
]


class TimelineKind(enum.StrEnum):
    """What a date of the timeline is."""

    EVENT = "event"
    DEADLINE = "deadline"
    REFUND = "refund"


@value_class(kw_only=True)
class TimelineEntry:
    """One date that matters: ``key`` is a stable name, ``label`` the English text.

    ``applies`` is ``False`` for a deadline the case's piece cannot use: the last day
    to request a return of a piece the policy's own clauses exclude for good (a custom
    order, a modified, worn or sale piece...); its label names the section."""

    date: date
    key: str
    label: str
    kind: TimelineKind
    section: str | None = None
    applies: bool = True


class Timeline(tuple[TimelineEntry, ...]):
    """The entries of a timeline, in order: a tuple (equal to the plain tuple of the same
    entries) that Jupyter shows as a dated table and whose ``repr`` is short."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self:
            return "Timeline(no dates)"
        dates = "date" if len(self) == 1 else "dates"
        return f"Timeline({len(self)} {dates}, {self[0].date} to {self[-1].date})"

    def _repr_html_(self) -> str:
        """A table in Jupyter: date, weekday, kind and label (the display adapter's)."""
        return _display("timeline_html")(self)  # type: ignore[no-any-return]


def _e(
    day: date, key: str, label: str, kind: TimelineKind, section: str | None = None
) -> TimelineEntry:
    return TimelineEntry(date=day, key=key, label=label, kind=kind, section=section)


def _deadlines(policy: Policy, stage: StageSpec | None) -> list[tuple[Clause, Deadline]]:
    """The clauses that declare a last day and can apply to a case of ``stage``, in the
    policy's order (the timeline orders them by date)."""
    return [(c, c.deadline) for c in policy.clauses(stage) if c.deadline is not None]


def _delivery(
    policy: Policy,
    delivered: date,
    suffix: str = "",
    *,
    piece: ReturnItem | None = None,
    stage: StageSpec | None = None,
) -> list[TimelineEntry]:
    """The delivery and the last days the policy's clauses count from it; a deadline that a
    rule set gates (``Deadline.gated_by``) does not apply to a piece that rule set excludes
    for good."""
    out = [_e(delivered, "delivered", f"delivered{suffix}", TimelineKind.EVENT)]
    for clause, deadline in _deadlines(policy, stage):
        excluded = ""
        if deadline.gated_by is not None and piece is not None:
            excluded = _excluded_by(policy, deadline.gated_by, piece)
        out.append(
            TimelineEntry(
                date=deadline.last(delivered, policy.terms),
                key=deadline.key,
                label=f"{deadline.label} (§{clause.section}{_applies(excluded)}){suffix}",
                kind=TimelineKind.DEADLINE,
                section=clause.section,
                applies=not excluded,
            )
        )
    return out


def _applies(excluded_by: str) -> str:
    return f"; does not apply: {excluded_by} excludes this piece" if excluded_by else ""


def _excluded_by(policy: Policy, rule_set: str, piece: ReturnItem) -> str:
    """The sections of the clauses that exclude ``piece`` for good: the policy's own rule
    set, judged as if the piece were asked back on the delivery day, finds a *final*
    failure (a clause that declares that no later act lifts it: custom, engraved, worn,
    bought elsewhere, a sale piece without a defect...). A merchant's removed, swapped or
    added clause is followed as the decision follows it. "" when the deadline applies."""
    delivered = piece.item.delivered_at
    assert delivered is not None  # a deadline is drawn from a delivery
    ev = policy.record(rule_set, piece.line(delivered, None))
    sections = {
        leaf.rule.section
        for leaf in ev.determining()
        if isinstance(leaf.rule, Clause) and leaf.rule.final and leaf.finding is Finding.FAILED
    }
    return ", ".join(f"§{s}" for s in sorted(sections))


def _refund(
    terms: PolicyTerms,
    earliest: date,
    latest: date,
    approved: date | None = None,
    suffix: str = "",
) -> list[TimelineEntry]:
    out = (
        []
        if approved is None
        else [_e(approved, "approved", "refund approved", TimelineKind.EVENT, "4")]
    )
    lo, hi = ordinal(terms.refund_min_business_days), ordinal(terms.refund_max_business_days)
    return [
        *out,
        _e(
            earliest,
            "refund_earliest",
            f"refund earliest ({lo} business day, §4){suffix}",
            TimelineKind.REFUND,
            "4",
        ),
        _e(
            latest,
            "refund_latest",
            f"refund latest ({hi} business day, §4){suffix}",
            TimelineKind.REFUND,
            "4",
        ),
    ]


def _sorted(entries: Iterable[TimelineEntry]) -> Timeline:
    unique = dict.fromkeys(entries)  # the same date and label from two items: once
    return Timeline(sorted(unique, key=lambda e: e.date))


def timeline_of_dates(
    terms: PolicyTerms, *, delivered: date | None = None, approved: date | None = None
) -> Timeline:
    """The dates that follow from a delivery date and/or a refund approval date."""
    if not isinstance(terms, PolicyTerms):
        raise InputError.single("terms", "PolicyTerms", type(terms).__name__, _CTX)
    if delivered is None and approved is None:
        raise InputError.single("delivered", "a date (or an approved date)", None, _CTX)
    for name, day in (("delivered", delivered), ("approved", approved)):
        if day is not None and (not isinstance(day, date) or isinstance(day, datetime)):
            raise InputError.single(name, "a date (not a datetime)", day, _CTX)
    entries: list[TimelineEntry] = []
    if delivered is not None:
        try:
            entries += _delivery(Policy(terms), delivered)
        except OverflowError:
            last = max(terms.return_window_days, terms.defect_notice_days)
            raise InputError.single(
                "delivered",
                f"a date whose last days to act ({last} days after it) exist in the calendar",
                delivered.isoformat(),
                _CTX,
            ) from None
    if approved is not None:
        try:
            window = refund_window(approved, terms)
        except (OverflowError, DateOutOfRangeError):
            first, last = terms.calendar.supported_years
            raise DateOutOfRangeError.single(
                "approved",
                f"a date whose refund window ends within the years {first}-{last} of the "
                "calendar's holiday data",
                approved.isoformat(),
                _CTX,
            ) from None
        entries += _refund(terms, *window, approved=approved)
    return _sorted(entries)


def _item(
    policy: Policy, piece: ReturnItem, stage: StageSpec, suffix: str = ""
) -> list[TimelineEntry]:
    item: Item = piece.item
    out = []
    if item.purchased_at is not None:
        day = store_date(item.purchased_at, policy.terms.tz)
        out.append(_e(day, "purchased", f"purchased{suffix}", TimelineKind.EVENT))
    if item.delivered_at is not None:
        day = store_date(item.delivered_at, policy.terms.tz)
        out += _delivery(policy, day, suffix, piece=piece, stage=stage)
    return out


def _facts(case: Case, policy: Policy, spec: StageSpec) -> list[TimelineEntry]:
    """The stage's dated facts: its pieces (bought, delivered, last days), then its
    events, in the order the stage table gives them."""
    pieces = spec.pieces(case)
    per_piece = [_item(policy, piece, spec) for piece in pieces]
    out = per_piece[0] if per_piece else []
    if any(entries != out for entries in per_piece):
        # Pieces with their own dates: each line names its piece.
        out = [e for p in pieces for e in _item(policy, p, spec, f" ({p.item.sku})")]
    for event in spec.events(case):
        if isinstance(event.at, datetime):  # not unknown, nor not yet happened
            day = store_date(event.at, policy.terms.tz)
            out.append(_e(day, event.key, event.label, TimelineKind.EVENT))
    return out


def timeline(
    case: Case | Mapping[str, Any],
    decision: Decision | OrderDecision | None = None,
    *,
    policy: Policy | PolicyVersions | None = None,
) -> Timeline:
    """Every date of ``case`` that matters, in order, with the refund window of its decision.

    ``decision`` is the case's decision under ``policy`` (evaluated when omitted).
    ``policy`` is a :class:`Policy` or a :class:`PolicyVersions` registry; by default
    the one every entry point uses (``default_evaluator()``: the version in force at
    the purchase date). Only an approved refund, or a remedy that may be refunded,
    has a refund window. The last days are counted, and the pieces the policy
    excludes are found, under the version the decision names (``policy_version``).
    """
    policy = default_evaluator(policy, _CTX)
    typed = _typed(case, policy)
    if decision is None:
        decision = policy.evaluate(typed)
    elif not isinstance(decision, Decision | OrderDecision):
        raise InputError.single(
            "decision", "a Decision, an OrderDecision or None", type(decision).__name__, _CTX
        )
    named = policy_named(policy, decision.policy_version, _CTX)
    terms = named.terms
    entries = _facts(typed, named, named.stage_of(typed))
    if decision.policy_version == NO_VERSION:
        # Judged under no known version: no deadline is known either, as the decision says.
        return _sorted(e for e in entries if e.kind is TimelineKind.EVENT)
    ob = decision.obligations if isinstance(decision, Decision) else None
    if ob is not None and ob.refund_earliest is not None and ob.refund_latest is not None:
        # At an inspection the refund is approved that day; a cancellation's window
        # counts from the cancellation, already on the timeline.
        # The approval day is the inspection's, where the case has one.
        inspected = getattr(typed, "inspected_at", None)
        on = store_date(inspected, terms.tz) if inspected is not None else None
        entries = [e for e in entries if not (on is not None and e.key == "inspected")]
        entries += _refund(terms, ob.refund_earliest, ob.refund_latest, approved=on)
    elif ob is not None:
        # A remedy the store may choose (a partial refund) has a window only if chosen.
        for option in ob.options:
            if option.refund_earliest is not None and option.refund_latest is not None:
                entries += _refund(
                    terms,
                    option.refund_earliest,
                    option.refund_latest,
                    suffix=f", if the {in_words(option.code)} is chosen",
                )
    return _sorted(entries)


def format_timeline(entries: Iterable[TimelineEntry]) -> str:
    """One line per date: ``label: YYYY-MM-DD (Weekday)``, labels aligned.

    A label holds the case's own strings (a SKU): it is escaped with
    :func:`~atlier_policy.strings.one_line`, so that no control, line-breaking or
    bidirectional character reaches a terminal.
    """
    rows = [(one_line(e.label), e.date) for e in entries]
    if not rows:
        return ""
    width = max(len(label) for label, _ in rows)
    return "\n".join(
        f"{label + ':':<{width + 1}} {day.isoformat()} ({day:%A})" for label, day in rows
    )
