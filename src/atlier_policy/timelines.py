"""Every date that matters for a case, in order: facts, deadlines and the refund window.

A timeline is a tuple of :class:`TimelineEntry` sorted by date (entries on the same
day keep the order in which the policy reaches them). ``kind`` says what a date is:
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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from atlier_policy.cases import (
    CustomOrderCancellation,
    DefectClaim,
    ExchangeRequest,
    Inspection,
    Item,
    LostParcelReport,
    ReturnRequest,
)
from atlier_policy.deadlines import (
    last_day_to_report_defect,
    last_day_to_request_return,
    ordinal,
    refund_window,
    store_date,
)
from atlier_policy.decision import Decision, InspectionOutcome, OrderDecision
from atlier_policy.errors import InputError
from atlier_policy.terms import PolicyTerms

if TYPE_CHECKING:
    from atlier_policy.policy import Case, Policy

__all__ = ["TimelineEntry", "TimelineKind", "format_timeline", "timeline", "timeline_of_dates"]


class TimelineKind(enum.StrEnum):
    """What a date of the timeline is."""

    EVENT = "event"
    DEADLINE = "deadline"
    REFUND = "refund"


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEntry:
    """One date that matters: ``key`` is a stable name, ``label`` the English text."""

    date: date
    key: str
    label: str
    kind: TimelineKind
    section: str | None = None


def _e(
    day: date, key: str, label: str, kind: TimelineKind, section: str | None = None
) -> TimelineEntry:
    return TimelineEntry(date=day, key=key, label=label, kind=kind, section=section)


def _delivery(terms: PolicyTerms, delivered: date, suffix: str = "") -> list[TimelineEntry]:
    return [
        _e(delivered, "delivered", f"delivered{suffix}", TimelineKind.EVENT),
        _e(
            last_day_to_report_defect(delivered, terms),
            "last_day_to_report_defect",
            f"last day to report a defect (§3){suffix}",
            TimelineKind.DEADLINE,
            "3",
        ),
        _e(
            last_day_to_request_return(delivered, terms),
            "last_day_to_request_return",
            f"last day to request a return (§1){suffix}",
            TimelineKind.DEADLINE,
            "1",
        ),
    ]


def _refund(
    terms: PolicyTerms, earliest: date, latest: date, approved: date | None = None
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
            f"refund earliest ({lo} business day, §4)",
            TimelineKind.REFUND,
            "4",
        ),
        _e(
            latest,
            "refund_latest",
            f"refund latest ({hi} business day, §4)",
            TimelineKind.REFUND,
            "4",
        ),
    ]


def _sorted(entries: Iterable[TimelineEntry]) -> tuple[TimelineEntry, ...]:
    unique = dict.fromkeys(entries)  # the same date and label from two items: once
    return tuple(sorted(unique, key=lambda e: e.date))


def timeline_of_dates(
    terms: PolicyTerms, *, delivered: date | None = None, approved: date | None = None
) -> tuple[TimelineEntry, ...]:
    """The dates that follow from a delivery date and/or a refund approval date."""
    if delivered is None and approved is None:
        raise InputError.single("delivered", "a date (or an approved date)", None, "timeline")
    entries: list[TimelineEntry] = []
    if delivered is not None:
        entries += _delivery(terms, delivered)
    if approved is not None:
        entries += _refund(terms, *refund_window(approved, terms), approved=approved)
    return _sorted(entries)


def _item(terms: PolicyTerms, item: Item, suffix: str = "") -> list[TimelineEntry]:
    out = []
    if item.purchased_at is not None:
        day = store_date(item.purchased_at, terms.tz)
        out.append(_e(day, "purchased", f"purchased{suffix}", TimelineKind.EVENT))
    if item.delivered_at is not None:
        out += _delivery(terms, store_date(item.delivered_at, terms.tz), suffix)
    return out


def _event(terms: PolicyTerms, at: datetime | None, key: str, label: str) -> list[TimelineEntry]:
    if at is None:
        return []
    return [_e(store_date(at, terms.tz), key, label, TimelineKind.EVENT)]


def _facts(case: Case, terms: PolicyTerms) -> list[TimelineEntry]:
    if isinstance(case, ReturnRequest):
        per_item = [_item(terms, line.item) for line in case.items]
        out = per_item[0]
        if any(entries != out for entries in per_item):
            # Items with their own dates: each line names its item.
            out = [e for line in case.items for e in _item(terms, line.item, f" ({line.item.sku})")]
        return out + _event(terms, case.requested_at, "requested", "return requested")
    if isinstance(case, DefectClaim):
        return [
            *_item(terms, case.item),
            *_event(terms, case.reported_at, "reported", "defect reported"),
            *_event(terms, case.photos_sent_at, "photos_sent", "photos received"),
        ]
    if isinstance(case, Inspection):
        return [
            *_facts(case.request, terms),
            *_event(terms, case.inspected_at, "inspected", "inspected by the quality team"),
        ]
    if isinstance(case, CustomOrderCancellation):
        return [
            *_item(terms, case.item),
            *_event(terms, case.production_started_at, "production_started", "production began"),
            *_event(terms, case.cancelled_at, "cancelled", "order cancelled"),
        ]
    if isinstance(case, ExchangeRequest):
        return [
            *_item(terms, case.item.item),
            *_event(terms, case.requested_at, "requested", "exchange requested"),
            *_event(terms, case.returned_at, "returned", "piece sent back"),
        ]
    if isinstance(case, LostParcelReport):
        return _event(terms, case.shipped_at, "shipped", "return parcel shipped")
    raise InputError.single(
        "case", "a case of one of the six stages", type(case).__name__, "timeline"
    )


def timeline(
    case: Case, decision: Decision | OrderDecision | None = None, *, policy: Policy | None = None
) -> tuple[TimelineEntry, ...]:
    """Every date of ``case`` that matters, in order, with the refund window of its decision.

    ``decision`` is the case's decision under ``policy`` (evaluated when omitted):
    only an approved refund has a refund window.
    """
    if policy is None:
        from atlier_policy.policy import default_policy

        policy = default_policy()
    terms = policy.terms
    entries = _facts(case, terms)
    if decision is None:
        decision = policy.evaluate(case)
    if isinstance(decision, Decision):
        ob = decision.obligations
        if ob.refund_earliest is not None and ob.refund_latest is not None:
            approved = decision.outcome in (
                InspectionOutcome.REFUND_APPROVED,
                InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT,
            )
            entries = [e for e in entries if not (approved and e.key == "inspected")]
            on = _approval_day(case, terms) if approved else None
            entries += _refund(terms, ob.refund_earliest, ob.refund_latest, approved=on)
    return _sorted(entries)


def _approval_day(case: Case, terms: PolicyTerms) -> date:
    assert isinstance(case, Inspection)  # only an inspection approves a refund
    return store_date(case.inspected_at, terms.tz)


def format_timeline(entries: Iterable[TimelineEntry]) -> str:
    """One line per date: ``label: YYYY-MM-DD (Weekday)``, labels aligned."""
    rows = list(entries)
    if not rows:
        return ""
    width = max(len(e.label) for e in rows)
    return "\n".join(
        f"{e.label + ':':<{width + 1}} {e.date.isoformat()} ({e.date:%A})" for e in rows
    )
