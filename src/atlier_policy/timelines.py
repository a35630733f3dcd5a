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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from atlier_policy.cases import (
    CustomOrderCancellation,
    DefectClaim,
    ExchangeRequest,
    Inspection,
    Item,
    ItemKind,
    LostParcelReport,
    ReturnItem,
    ReturnRequest,
    SaleEvent,
)
from atlier_policy.deadlines import (
    last_day_to_report_defect,
    last_day_to_request_return,
    ordinal,
    refund_window,
    store_date,
)
from atlier_policy.decision import Decision, InspectionOutcome, OrderDecision
from atlier_policy.errors import DateOutOfRangeError, InputError
from atlier_policy.terms import PolicyTerms
from atlier_policy.versions import PolicyVersions, _typed, policy_named

if TYPE_CHECKING:
    from atlier_policy.policy import Case, Policy

_CTX = "timeline"


def _evaluator(policy: object) -> Policy | PolicyVersions:
    from atlier_policy.policy import Policy

    if not isinstance(policy, Policy | PolicyVersions):
        raise InputError.single(
            "policy", "a Policy, a PolicyVersions registry or None", type(policy).__name__, _CTX
        )
    return policy


__all__ = ["TimelineEntry", "TimelineKind", "format_timeline", "timeline", "timeline_of_dates"]


class TimelineKind(enum.StrEnum):
    """What a date of the timeline is."""

    EVENT = "event"
    DEADLINE = "deadline"
    REFUND = "refund"


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEntry:
    """One date that matters: ``key`` is a stable name, ``label`` the English text.

    ``applies`` is ``False`` for a deadline the case's piece cannot use: the last day
    to request a return of a piece §2 excludes (a custom order, a personalized or
    modified piece, a sale piece without a confirmed defect); its label says so."""

    date: date
    key: str
    label: str
    kind: TimelineKind
    section: str | None = None
    applies: bool = True


def _e(
    day: date, key: str, label: str, kind: TimelineKind, section: str | None = None
) -> TimelineEntry:
    return TimelineEntry(date=day, key=key, label=label, kind=kind, section=section)


def _delivery(
    terms: PolicyTerms, delivered: date, suffix: str = "", *, returnable: bool = True
) -> list[TimelineEntry]:
    """The delivery and the last days counted from it; ``returnable=False`` (a piece §2
    excludes from returns) marks the last day to request a return as not applying."""
    return [
        _e(delivered, "delivered", f"delivered{suffix}", TimelineKind.EVENT),
        _e(
            last_day_to_report_defect(delivered, terms),
            "last_day_to_report_defect",
            f"last day to report a defect (§3){suffix}",
            TimelineKind.DEADLINE,
            "3",
        ),
        TimelineEntry(
            date=last_day_to_request_return(delivered, terms),
            key="last_day_to_request_return",
            label=f"last day to request a return (§1{_applies(returnable)}){suffix}",
            kind=TimelineKind.DEADLINE,
            section="1",
            applies=returnable,
        ),
    ]


def _applies(returnable: bool) -> str:
    return "" if returnable else "; does not apply: §2 excludes this piece"


def _returnable(item: Item, defect_confirmed: bool | None = False) -> bool:
    """Whether §1's return window can matter for ``item``: not for a piece §2 excludes
    (custom-made, personalized, engraved, resized, altered), nor for a sale piece without
    a confirmed defect ("unless defective")."""
    if item.kind is ItemKind.CUSTOM_MADE or any(
        flag is True for flag in (item.personalized, item.engraved, item.resized, item.altered)
    ):
        return False
    on_sale = item.sale_event not in (SaleEvent.NONE, None)
    return not on_sale or defect_confirmed is True


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
            entries += _delivery(terms, delivered)
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
    terms: PolicyTerms, item: Item, suffix: str = "", *, returnable: bool = True
) -> list[TimelineEntry]:
    out = []
    if item.purchased_at is not None:
        day = store_date(item.purchased_at, terms.tz)
        out.append(_e(day, "purchased", f"purchased{suffix}", TimelineKind.EVENT))
    if item.delivered_at is not None:
        day = store_date(item.delivered_at, terms.tz)
        out += _delivery(terms, day, suffix, returnable=returnable)
    return out


def _line(terms: PolicyTerms, line: ReturnItem, suffix: str = "") -> list[TimelineEntry]:
    return _item(terms, line.item, suffix, returnable=_returnable(line.item, line.defect_confirmed))


def _event(terms: PolicyTerms, at: datetime | None, key: str, label: str) -> list[TimelineEntry]:
    if at is None:
        return []
    return [_e(store_date(at, terms.tz), key, label, TimelineKind.EVENT)]


def _facts(case: Case, terms: PolicyTerms) -> list[TimelineEntry]:
    if isinstance(case, ReturnRequest):
        per_item = [_line(terms, line) for line in case.items]
        out = per_item[0]
        if any(entries != out for entries in per_item):
            # Items with their own dates: each line names its item.
            out = [e for line in case.items for e in _line(terms, line, f" ({line.item.sku})")]
        return out + _event(terms, case.requested_at, "requested", "return requested")
    if isinstance(case, DefectClaim):
        return [
            *_item(terms, case.item, returnable=_returnable(case.item)),
            *_event(terms, case.reported_at, "reported", "defect reported"),
            *_event(terms, case.photos_sent_at, "photos_sent", "photos received"),
        ]
    if isinstance(case, Inspection):
        return [
            *_facts(case.request, terms),
            *_event(terms, case.inspected_at, "inspected", "inspected by the quality team"),
        ]
    if isinstance(case, CustomOrderCancellation):
        return [  # a custom order (§2): no return window
            *_item(terms, case.item, returnable=False),
            *_event(terms, case.production_started_at, "production_started", "production began"),
            *_event(terms, case.cancelled_at, "cancelled", "order cancelled"),
        ]
    if isinstance(case, ExchangeRequest):
        return [
            *_line(terms, case.item),
            *_event(terms, case.requested_at, "requested", "exchange requested"),
            *_event(terms, case.returned_at, "returned", "piece sent back"),
        ]
    assert isinstance(case, LostParcelReport)  # the cases were checked by _typed
    return _event(terms, case.shipped_at, "shipped", "return parcel shipped")


def timeline(
    case: Case | Mapping[str, Any],
    decision: Decision | OrderDecision | None = None,
    *,
    policy: Policy | PolicyVersions | None = None,
) -> tuple[TimelineEntry, ...]:
    """Every date of ``case`` that matters, in order, with the refund window of its decision.

    ``decision`` is the case's decision under ``policy`` (evaluated when omitted; the
    text's policy by default, or a :class:`PolicyVersions` registry): only an approved
    refund has a refund window. The last days are counted under the terms of the
    version the decision names (``decision.policy_version``).
    """
    from atlier_policy.policy import default_policy

    if policy is None:
        policy = default_policy()
    typed = _typed(case)
    if decision is None:
        decision = _evaluator(policy).evaluate(typed)
    elif not isinstance(decision, Decision | OrderDecision):
        raise InputError.single(
            "decision", "a Decision, an OrderDecision or None", type(decision).__name__, _CTX
        )
    terms = policy_named(policy, decision.policy_version, _CTX).terms
    case = typed
    entries = _facts(case, terms)
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
