"""§1 Eligibility for Returns: the section's tables, properties and mutation-killing tests.

The clauses of ``atlier_policy.clauses.eligibility`` (``s1.*``): bought directly from the
website, returned within 7 days of delivery, unused and complete, with a proof of
purchase, and approved by the quality team after inspection. Each row of a table names
the sentence it exercises (tests/tables.py); the fix rows say how ``how_to_qualify``
lifts each reason (tests/qualify_laws.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import ReturnRequest, default_policy
from atlier_policy.cases import ProofOfPurchase, SalesChannel
from atlier_policy.clauses import eligibility
from atlier_policy.deadlines import store_date
from atlier_policy.decision import (
    DefectClaimOutcome,
    ExchangeOutcome,
    InspectionOutcome,
    ReturnOutcome,
)
from atlier_policy.qualify import FixKind, how_to_qualify
from atlier_policy.rules import Context, Finding
from builders import (
    NY,
    UNKNOWN_DELIVERY,
    at,
    condition,
    defect_claim,
    exchange,
    inspection,
    item,
    return_item,
    return_request,
)
from qualify_laws import FIX_ROW, check_fix, one, only_suggestion
from strategies import complete_return_requests, set_path
from tables import (
    ELIG,
    INC,
    NOT,
    REV,
    S1_APPROVAL,
    S1_CONDITION,
    S1_PROOF,
    S1_SCOPE,
    S1_WINDOW,
    check_row,
    decided,
    decisions,
    reason_of,
    return_line,
    table,
)

POLICY = default_policy()


# --- the decisions, stage by stage -----------------------------------------------------

RETURN_ROWS = [
    # §1 scope
    ("website purchase", S1_SCOPE, return_request(), ELIG, ()),
    (
        "marketplace purchase",
        S1_SCOPE,
        return_request(items=(return_item(item=item(channel=SalesChannel.MARKETPLACE)),)),
        NOT,
        ("s1.website_purchase",),
    ),
    (
        "channel unknown",
        S1_SCOPE,
        return_request(items=(return_item(item=item(channel=None)),)),
        REV,
        ("s1.website_purchase",),
    ),
    # §1 window: delivery day is day 0, day 7 in time, day 8 late
    ("day 0", S1_WINDOW, return_request(at("2025-03-03", 18)), ELIG, ("s1.return_window",)),
    ("day 7", S1_WINDOW, return_request(at("2025-03-10", 23)), ELIG, ("s1.return_window",)),
    ("day 8", S1_WINDOW, return_request(at("2025-03-11", 0)), NOT, ("s1.return_window",)),
    # The store zone decides the date: 02:00 UTC on the 11th is still the 10th in New York.
    (
        "store zone: day 7 in New York, day 8 in UTC",
        S1_WINDOW,
        return_request(at("2025-03-11", 2, UTC)),
        ELIG,
        ("s1.return_window",),
    ),
    (
        "delivery unknown",
        S1_WINDOW,
        return_request(items=(return_item(item=item(delivered_at=None)),)),
        REV,
        ("s1.return_window",),
    ),
    # §1 condition, one row per condition
    *[
        (
            f"{name} false",
            S1_CONDITION,
            return_request(items=(return_item(condition=condition(**{name: False})),)),
            NOT,
            (clause,),
        )
        for name, clause in [
            ("unused", "s1.unused"),
            ("unworn", "s1.unworn"),
            ("original_packaging", "s1.original_packaging"),
            ("certificates_included", "s1.certificates"),
            ("tags_included", "s1.tags"),
            ("accessories_included", "s1.accessories"),
        ]
    ],
    (
        "condition undeclared",
        S1_CONDITION,
        return_request(items=(return_item(condition=condition(unworn=None)),)),
        INC,
        ("s1.unworn",),
    ),
    # §1 proof of purchase
    (
        "invoice",
        S1_PROOF,
        return_request(proof_of_purchase=ProofOfPurchase.INVOICE),
        ELIG,
        ("s1.proof_of_purchase",),
    ),
    (
        "order confirmation",
        S1_PROOF,
        return_request(proof_of_purchase=ProofOfPurchase.ORDER_CONFIRMATION),
        ELIG,
        ("s1.proof_of_purchase",),
    ),
    (
        "no proof",
        S1_PROOF,
        return_request(proof_of_purchase=ProofOfPurchase.NONE),
        NOT,
        ("s1.proof_of_purchase",),
    ),
    (
        "proof not yet given",
        S1_PROOF,
        return_request(proof_of_purchase=None),
        INC,
        ("s1.proof_of_purchase",),
    ),
]


@table(RETURN_ROWS)
def test_return_request(sentence: str, case: Any, outcome: Any, clauses: tuple[str, ...]) -> None:
    """Stage 1: each §1 sentence decides a return request as the text says."""
    check_row(decided(POLICY.return_request(case)), outcome, clauses, sentence)


def test_late_request_reports_the_dates() -> None:
    """The refusal carries the delivery date, the last day to request and the request date."""
    d = decided(POLICY.return_request(return_request(at("2025-03-11"))))
    (reason,) = d.reasons
    assert reason.code == "return_window_expired"
    assert (
        "delivered 2025-03-03, last day to request 2025-03-10, requested 2025-03-11"
        in reason.message
    )
    assert dict(reason.facts) == {
        "delivered": "2025-03-03",
        "last_day_to_request": "2025-03-10",
        "requested": "2025-03-11",
    }
    assert d.obligations.last_day_to_request_return == date(2025, 3, 10)
    assert d.obligations.last_day_to_report_defect == date(2025, 3, 6)


def test_utc_store_refuses_what_new_york_accepts() -> None:
    """The same instants decided in a UTC store fall on different dates and the request is late."""
    case = return_request(at("2025-03-11", 2, UTC))
    assert decided(default_policy(store_timezone="UTC").return_request(case)).outcome is NOT


DEFECT_ROWS = [
    (
        "marketplace purchase",
        S1_SCOPE,
        defect_claim(item=item(channel=SalesChannel.RETAIL_STORE)),
        DefectClaimOutcome.NOT_COVERED,
        ("s1.website_purchase",),
    ),
]


@table(DEFECT_ROWS)
def test_defect_claim(sentence: str, case: Any, outcome: Any, clauses: tuple[str, ...]) -> None:
    """Stage 2: §1's scope applies to a defect claim too."""
    check_row(POLICY.defect_claim(case), outcome, clauses, sentence)


INSPECTION_ROWS = [
    (
        "approved",
        S1_APPROVAL,
        inspection(),
        InspectionOutcome.REFUND_APPROVED,
        ("s1.inspected_and_approved",),
    ),
    (
        "worn on inspection, declared unworn",
        S1_CONDITION,
        inspection(condition=condition(unworn=False)),
        InspectionOutcome.REFUND_REJECTED,
        ("s1.unworn",),
    ),
    (
        "condition not recorded",
        S1_CONDITION,
        inspection(condition=condition(tags_included=None)),
        InspectionOutcome.NEEDS_REVIEW,
        ("s1.tags",),
    ),
    (
        "late request found at inspection",
        S1_WINDOW,
        inspection(return_request(at("2025-03-12"))),
        InspectionOutcome.REFUND_REJECTED,
        ("s1.return_window",),
    ),
]


@table(INSPECTION_ROWS)
def test_inspection(sentence: str, case: Any, outcome: Any, clauses: tuple[str, ...]) -> None:
    """Stage 4: the quality team's approval, and §1 judged again on the inspected piece."""
    check_row(POLICY.inspection(case), outcome, clauses, sentence)


EXCHANGE_ROWS = [
    (
        "ineligible item (late)",
        S1_WINDOW,
        exchange(requested_at=at("2025-03-11")),
        ExchangeOutcome.REFUSED,
        ("s1.return_window",),
    ),
]


@table(EXCHANGE_ROWS)
def test_exchange(sentence: str, case: Any, outcome: Any, clauses: tuple[str, ...]) -> None:
    """Stage 6: only an eligible item is exchanged (§1)."""
    check_row(POLICY.exchange(case), outcome, clauses, sentence)


# --- mutation-killing tests (docs/quality.md, "Mutation testing") ---------------------


def test_return_window_reports_the_new_york_delivery_date() -> None:
    """§1: a piece delivered at 22:30 on 3 March in New York was delivered on 3 March (day 0)."""
    late_evening = datetime(2025, 3, 4, 3, 30, tzinfo=UTC)
    request = return_request(
        at("2025-03-10"),
        items=(return_item(item=item(delivered_at=late_evening)),),
    )
    decision = return_line(request)
    assert decision.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    assert reason_of(decision, "s1.return_window").facts == (
        ("delivered", "2025-03-03"),
        ("last_day_to_request", "2025-03-10"),
        ("requested", "2025-03-10"),
    )


def test_return_window_names_the_missing_dates() -> None:
    """§1 "within 7 days of delivery" needs both dates: the unknown one is named."""
    (line,) = return_request().lines()
    ctx = Context(line, POLICY.terms, POLICY.terms.calendar, POLICY.terms.tz)
    for changes, missing in [
        ({"requested_at": None}, ("requested_at",)),
        ({"item": item(delivered_at=None, purchased_at=None)}, ("item.delivered_at",)),
    ]:
        check = eligibility.RETURN_WINDOW.check(replace(ctx, case=replace(line, **changes)))
        assert check.finding is Finding.UNKNOWN
        assert check.missing == missing
        assert check.message == "the delivery or request date is not known"


def test_scope_names_where_the_piece_was_bought() -> None:
    """Introduction and §1 "purchased directly from our website": the reason names the channel in words."""
    refused = return_line(
        return_request(items=(return_item(item=item(channel=SalesChannel.RETAIL_STORE)),))
    )
    assert refused.outcome is ReturnOutcome.NOT_ELIGIBLE
    reason = reason_of(refused, "s1.website_purchase")
    assert reason.message == "bought on the retail store, not directly from our website"
    assert reason.facts == (("channel", "retail_store"),)
    wider = default_policy(eligible_channels=frozenset(SalesChannel))
    (accepted,) = wider.return_request(
        return_request(items=(return_item(item=item(channel=SalesChannel.RETAIL_STORE)),))
    ).items
    assert accepted.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    assert reason_of(accepted, "s1.website_purchase").message == "bought on the retail store"


def test_inspection_date_is_the_new_york_date() -> None:
    """§1/§4: an inspection at 22:00 in New York is dated that day in the approval and the window."""
    evening = datetime(2025, 3, 15, 2, 0, tzinfo=UTC)  # Friday 14 March, 22:00 in New York
    decision = POLICY.inspection(inspection(inspected_at=evening))
    assert decision.outcome is InspectionOutcome.REFUND_APPROVED
    approval = reason_of(decision, "s1.inspected_and_approved")
    assert approval.message == "inspected by the quality team on 2025-03-14"
    assert approval.facts == (("inspected", "2025-03-14"),)
    assert decision.obligations.refund_earliest == date(2025, 3, 25)


# --- properties -------------------------------------------------------------------------


@given(complete_return_requests(), st.integers(min_value=0, max_value=30 * 24))
def test_monotone_in_request_time(case: ReturnRequest, hours_later: int) -> None:
    """A later request date never turns a refusal into eligibility."""
    later = set_path(case, "requested_at", case.requested_at + timedelta(hours=hours_later))
    for early, late in zip(
        decisions(POLICY.evaluate(case)), decisions(POLICY.evaluate(later)), strict=True
    ):
        assert early.granted or not late.granted


@given(complete_return_requests(max_items=1))
def test_longer_window_never_refuses_more(case: ReturnRequest) -> None:
    """A 14-day window accepts everything the 7-day window accepts."""
    fourteen = default_policy(return_window_days=14)
    (d7,) = decisions(POLICY.evaluate(case))
    (d14,) = decisions(fourteen.evaluate(case))
    assert not d7.granted or d14.granted


# --- how to qualify: each clause's fix ------------------------------------------------


def test_late_return_says_by_when() -> None:
    """§1: delivered 2025-03-03, requested 2025-03-12: a request by 2025-03-10 was in time."""
    q = one(return_request(at("2025-03-12")))
    message, kind, changes = only_suggestion(q)
    assert message == "a return requested by 2025-03-10 would have been in time"
    assert kind is FixKind.WOULD_HAVE
    assert store_date(changes["requested_at"], NY) == date(2025, 3, 10)  # type: ignore[arg-type]
    assert q.suggestions[0].deadline == date(2025, 3, 10)
    assert q.outcome_if_changed is not None
    assert q.outcome_if_changed.value == ("eligible_pending_inspection")
    assert not q.cannot_qualify


def test_missing_proof_of_purchase_provide_it() -> None:
    q = one(return_request(proof_of_purchase=None))
    message, kind, changes = only_suggestion(q)
    assert "provide a proof of purchase" in message
    assert kind is FixKind.ACT
    assert changes == {"proof_of_purchase": ProofOfPurchase.ORDER_CONFIRMATION}


def test_request_on_the_delivery_day_with_a_zero_day_window() -> None:
    """A 0-day window: the in-time request is on the delivery day, not before the delivery."""
    zero = default_policy(return_window_days=0)
    case = return_request(
        at("2025-03-04"), items=(return_item(item=item(delivered_at=at("2025-03-03", 15))),)
    )
    (q,) = how_to_qualify(case, policy=zero)
    (change,) = q.suggestions[0].changes
    assert change.new == at("2025-03-03", 15)
    assert q.outcome_if_changed is not None
    assert q.outcome_if_changed.value == ("eligible_pending_inspection")


FIX_ROWS: list[tuple[str, Any, str, FixKind | None, str]] = [
    # (id, case, reason code, kind or None for a blocker, a fragment of the message)
    (
        "marketplace",
        return_request(items=(return_item(item=item(channel=SalesChannel.MARKETPLACE)),)),
        "website_purchase",
        None,
        "bought directly on our website",
    ),
    (
        "channel unknown",
        return_request(items=(return_item(item=item(channel=None)),)),
        "website_purchase",
        FixKind.RECORD,
        "record where the piece was bought",
    ),
    (
        "delivery unknown",
        return_request(items=(return_item(item=item(**UNKNOWN_DELIVERY)),)),
        "return_window",
        FixKind.RECORD,
        "delivery on or after 2025-02-26",
    ),
    (
        "used",
        return_request(items=(return_item(condition=condition(unused=False)),)),
        "unused",
        None,
        "a used piece",
    ),
    (
        "worn",
        return_request(items=(return_item(condition=condition(unworn=False)),)),
        "unworn",
        None,
        "a worn piece",
    ),
    (
        "no tags",
        return_request(items=(return_item(condition=condition(tags_included=False)),)),
        "tags",
        FixKind.ACT,
        "send the piece back complete with all its tags",
    ),
    (
        "tags unknown",
        return_request(items=(return_item(condition=condition(tags_included=None)),)),
        "tags",
        FixKind.ACT,
        "confirm that the piece is complete with all its tags",
    ),
    (
        "no invoice",
        return_request(proof_of_purchase=ProofOfPurchase.NONE),
        "proof_of_purchase",
        FixKind.ACT,
        "order confirmation",
    ),
    ("inspected worn", inspection(condition=condition(unworn=False)), "unworn", None, "worn piece"),
    (
        "inspected no certificates",
        inspection(condition=condition(certificates_included=False)),
        "certificates",
        FixKind.WOULD_HAVE,
        "would have qualified",
    ),
    (
        "inspected packaging unknown",
        inspection(condition=condition(original_packaging=None)),
        "original_packaging",
        FixKind.RECORD,
        "quality team must record",
    ),
    (
        "inspected late request",
        inspection(return_request(at("2025-03-12"))),
        "return_window_expired",
        FixKind.WOULD_HAVE,
        "by 2025-03-10",
    ),
]


@table(FIX_ROWS, FIX_ROW)
def test_each_reason(
    case: Any, code: str, kind: FixKind | None, fragment: str, request: pytest.FixtureRequest
) -> None:
    """Each §1 reason code gets its suggestion (with its kind) or its blocker, in plain words."""
    check_fix(case, code, kind, fragment, ("s1", request.node.callspec.id))
