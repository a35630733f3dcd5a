"""Table-driven tests: one or more rows per sentence-level rule of the policy.

Each row names the policy sentence it exercises; the expected outcome and the
clauses that must be among the decision's reasons come from that sentence.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from atlier_policy import NOT_YET, default_policy
from atlier_policy.cases import (
    DefectCause,
    ItemKind,
    NoticeChannel,
    ParcelStatus,
    ReturnReason,
    SaleEvent,
)
from atlier_policy.decision import (
    DefectClaimOutcome,
    ExchangeOutcome,
    InspectionOutcome,
    ParcelOutcome,
    ShippingPayer,
)
from atlier_policy.rules import Finding
from builders import (
    DELIVERED,
    at,
    cancellation,
    condition,
    defect_claim,
    defect_inspection,
    exchange,
    inspection,
    item,
    parcel,
    return_item,
    return_request,
    usd,
)
from tables import (
    ELIG,
    NOT,
    S3_EXCLUSIONS,
    S3_NOTICE,
    S3_PARTIAL,
    S3_REPAIR,
    S4_LOST,
    S5_CONTACT,
    S5_TERMS,
    check_row,
    decided,
)

POLICY = default_policy()


def test_every_failing_reason_is_reported() -> None:
    """A late, worn, engraved clearance piece gets all four reasons, not only the first."""
    bad = return_item(
        item=item(engraved=True, sale_event=SaleEvent.CLEARANCE), condition=condition(unworn=False)
    )
    d = decided(POLICY.return_request(return_request(at("2025-03-12"), items=(bad,))))
    assert d.outcome is NOT
    assert {r.clause_id for r in d.reasons} == {
        "s1.return_window",
        "s1.unworn",
        "s2.engraved",
        "s2.sale_item",
    }
    assert all(r.finding is Finding.FAILED for r in d.reasons)


@pytest.mark.parametrize(
    ("reason", "payer"),
    [
        (ReturnReason.CHANGE_OF_MIND, ShippingPayer.CUSTOMER),
        (ReturnReason.STORE_ERROR, ShippingPayer.CUSTOMER_UNTIL_CONFIRMED),
    ],
)
def test_return_shipping_payer(reason: ReturnReason, payer: ShippingPayer) -> None:
    """§4 (S4_COST): the customer pays return shipping; a stated store error is reimbursed once confirmed."""
    d = decided(POLICY.return_request(return_request(items=(return_item(reason=reason),))))
    assert d.outcome is ELIG
    assert d.obligations.return_shipping_paid_by is payer
    assert d.obligations.notices[0].clause_id == "s4.return_shipping"


@pytest.mark.parametrize(
    ("reason", "cause", "error_confirmed", "payer"),
    [
        (ReturnReason.CHANGE_OF_MIND, DefectCause.NONE_FOUND, None, ShippingPayer.CUSTOMER),
        (ReturnReason.STORE_ERROR, DefectCause.NONE_FOUND, True, ShippingPayer.STORE),
        (ReturnReason.STORE_ERROR, DefectCause.NONE_FOUND, False, ShippingPayer.CUSTOMER),
        (ReturnReason.CHANGE_OF_MIND, DefectCause.MANUFACTURING_DEFECT, None, ShippingPayer.STORE),
    ],
)
def test_inspection_confirms_store_error_or_defect(
    reason: ReturnReason,
    cause: DefectCause,
    error_confirmed: bool | None,
    payer: ShippingPayer,
) -> None:
    """§4 (S4_COST): the store bears shipping only for a defect or store error the quality team confirms."""
    req = return_request(items=(return_item(reason=reason),))
    insp = inspection(
        req, cause=cause, store_error_confirmed=error_confirmed, return_shipping_cost=usd("9.00")
    )
    d = POLICY.inspection(insp)
    assert d.outcome is InspectionOutcome.REFUND_APPROVED
    assert d.obligations.return_shipping_paid_by is payer
    assert d.obligations.return_shipping_reimbursed == (
        usd("9.00") if payer is ShippingPayer.STORE else None
    )


def test_multi_item_order_summary() -> None:
    """A request with several items is decided per item, with counts per outcome."""
    items = (
        return_item(),
        return_item(item=item(sku="N-2", engraved=True)),
        return_item(item=item(sku="E-3", kind=None)),
    )
    od = POLICY.return_request(return_request(items=items))
    assert [d.sku for d in od.items] == ["RING-7", "N-2", "E-3"]
    assert od.counts == {"eligible_pending_inspection": 1, "not_eligible": 1, "needs_review": 1}
    assert not od.all_granted


ACC = DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION
DEFECT_ROWS = [
    (
        "day 3",
        S3_NOTICE,
        defect_claim(reported_at=at("2025-03-06", 23), photos_sent_at=at("2025-03-06", 23)),
        ACC,
        ("s3.notice_window",),
    ),
    (
        "day 4",
        S3_NOTICE,
        defect_claim(reported_at=at("2025-03-07", 0), photos_sent_at=at("2025-03-07", 1)),
        DefectClaimOutcome.NOT_COVERED,
        ("s3.notice_window",),
    ),
    (
        "arrived damaged",
        S3_NOTICE,
        defect_claim(kind=None),
        DefectClaimOutcome.INCOMPLETE,
        ("s3.defect_kind",),
    ),
    (
        "no photos yet, days still running",
        S3_NOTICE,
        defect_claim(photos_sent_at=NOT_YET, as_of=at("2025-03-05")),
        DefectClaimOutcome.INCOMPLETE,
        ("s3.photos",),
    ),
    (
        "no photos after the 3 days",
        S3_NOTICE,
        defect_claim(photos_sent_at=NOT_YET, as_of=at("2025-03-07")),
        DefectClaimOutcome.NOT_COVERED,
        ("s3.photos",),
    ),
    (
        "photos after the 3 days",
        S3_NOTICE,
        defect_claim(photos_sent_at=at("2025-03-07")),
        DefectClaimOutcome.NOT_COVERED,
        ("s3.photos",),
    ),
    (
        "notified by phone",
        S3_NOTICE,
        defect_claim(channel=NoticeChannel.OTHER),
        DefectClaimOutcome.INCOMPLETE,
        ("s3.notice_by_email",),
    ),
    (
        "custom piece (covered by default)",
        S3_NOTICE,
        defect_claim(item=item(kind=ItemKind.CUSTOM_MADE)),
        ACC,
        ("s3.covered_piece",),
    ),
    (
        "delivery unknown",
        S3_NOTICE,
        defect_claim(item=item(delivered_at=None, purchased_at=None)),
        DefectClaimOutcome.NEEDS_REVIEW,
        ("s3.notice_window",),
    ),
]


@pytest.mark.parametrize(
    ("sentence", "case", "outcome", "clauses"),
    [r[1:] for r in DEFECT_ROWS],
    ids=[r[0] for r in DEFECT_ROWS],
)
def test_defect_claim(
    sentence: str, case: Any, outcome: DefectClaimOutcome, clauses: tuple[str, ...]
) -> None:
    """Stage 2: the 3-day notice by e-mail with photos (§3)."""
    check_row(POLICY.defect_claim(case), outcome, clauses, sentence)


def test_incomplete_defect_claim_says_by_when() -> None:
    """A claim without photos is incomplete and names the last day to send them."""
    d = POLICY.defect_claim(defect_claim(photos_sent_at=NOT_YET))
    assert d.missing == ("photos_sent_at",)
    assert "needed by 2025-03-06" in d.reasons[0].message
    assert d.obligations.return_shipping_paid_by is None


def test_accepted_claim_shipping_provisional() -> None:
    """§4: before the defect is confirmed the customer pays return shipping provisionally."""
    d = POLICY.defect_claim(defect_claim())
    assert d.outcome is ACC
    assert d.obligations.return_shipping_paid_by is ShippingPayer.CUSTOMER_UNTIL_CONFIRMED
    assert d.obligations.last_day_to_report_defect == date(2025, 3, 6)


def test_custom_piece_excluded_when_configured() -> None:
    """With defect_remedy_covers_custom=False a custom piece's defect claim is not covered."""
    p = default_policy(defect_remedy_covers_custom=False)
    d = p.defect_claim(defect_claim(item=item(kind=ItemKind.CUSTOM_MADE)))
    assert d.outcome is DefectClaimOutcome.NOT_COVERED
    assert [r.clause_id for r in d.reasons] == ["s3.covered_piece"]


INSPECTION_ROWS = [
    (
        "repair possible",
        S3_REPAIR,
        defect_inspection(),
        InspectionOutcome.REPAIR_OR_REPLACE,
        ("s3.repair_or_replace",),
    ),
    (
        "replacement only",
        S3_REPAIR,
        defect_inspection(repair_possible=False),
        InspectionOutcome.REPAIR_OR_REPLACE,
        ("s3.repair_or_replace",),
    ),
    (
        "neither possible",
        S3_PARTIAL,
        defect_inspection(repair_possible=False, replacement_possible=False),
        InspectionOutcome.PARTIAL_REFUND_OR_STORE_CREDIT,
        ("s3.partial_refund_or_credit",),
    ),
    (
        "remedy unknown",
        S3_REPAIR,
        defect_inspection(repair_possible=None, replacement_possible=False),
        InspectionOutcome.NEEDS_REVIEW,
        ("s3.repair_or_replace",),
    ),
    *[
        (
            cause.value,
            S3_EXCLUSIONS,
            defect_inspection(cause=cause),
            InspectionOutcome.REFUND_REJECTED,
            ("s3.cause_covered",),
        )
        for cause in (
            DefectCause.MISUSE,
            DefectCause.ACCIDENT,
            DefectCause.WEAR_AND_TEAR,
            DefectCause.NONE_FOUND,
        )
    ],
    (
        "cause not recorded",
        S3_EXCLUSIONS,
        defect_inspection(cause=None),
        InspectionOutcome.NEEDS_REVIEW,
        ("s3.cause_covered",),
    ),
    (
        "arrived damaged confirmed",
        S3_NOTICE,
        defect_inspection(cause=DefectCause.ARRIVED_DAMAGED),
        InspectionOutcome.REPAIR_OR_REPLACE,
        ("s3.cause_covered",),
    ),
]


@pytest.mark.parametrize(
    ("sentence", "case", "outcome", "clauses"),
    [r[1:] for r in INSPECTION_ROWS],
    ids=[r[0] for r in INSPECTION_ROWS],
)
def test_inspection(
    sentence: str, case: Any, outcome: InspectionOutcome, clauses: tuple[str, ...]
) -> None:
    """Stage 4: the quality team's findings decide refund, rejection or remedy."""
    check_row(POLICY.inspection(case), outcome, clauses, sentence)


@pytest.mark.parametrize(
    ("inspected", "earliest", "latest"),
    [
        ("2025-11-21", date(2025, 12, 3), date(2025, 12, 8)),  # Friday before Thanksgiving week
        ("2025-03-14", date(2025, 3, 25), date(2025, 3, 28)),  # plain Friday
        ("2025-12-24", date(2026, 1, 6), date(2026, 1, 9)),  # Christmas and New Year skipped
    ],
)
def test_refund_window(inspected: str, earliest: date, latest: date) -> None:
    """§4 (S4_WINDOW): approved refunds go to the original payment method in 7–10 business days."""
    req = return_request(at("2025-03-05"))
    d = POLICY.inspection(inspection(req, inspected_at=at(inspected, 15)))
    ob = d.obligations
    assert (ob.refund_earliest, ob.refund_latest) == (earliest, latest)
    assert ob.refund_to == "original payment method"
    assert ob.refund_amount == usd("240.00")
    assert "s4.refund_window" in {n.clause_id for n in ob.notices}


def test_confirmed_defect_store_pays_shipping() -> None:
    """§4: a confirmed defect moves the return shipping cost to the store, reimbursed."""
    d = POLICY.inspection(defect_inspection(return_shipping_cost=usd("12.50")))
    assert d.obligations.return_shipping_paid_by is ShippingPayer.STORE
    assert d.obligations.return_shipping_reimbursed == usd("12.50")
    rejected = POLICY.inspection(
        defect_inspection(cause=DefectCause.MISUSE, return_shipping_cost=usd("12.50"))
    )
    assert rejected.obligations.return_shipping_paid_by is ShippingPayer.CUSTOMER
    assert rejected.obligations.return_shipping_reimbursed is None


def test_partial_refund_has_window_but_no_amount() -> None:
    """§3 (S3_PARTIAL): the partial refund option has the §4 window and the store's amount; store credit has neither."""
    d = POLICY.inspection(defect_inspection(repair_possible=False, replacement_possible=False))
    partial, credit = d.obligations.options
    assert (partial.code, partial.refund_to) == ("partial_refund", "original payment method")
    assert (partial.refund_earliest, partial.refund_latest) == (
        date(2025, 3, 25),
        date(2025, 3, 28),
    )
    assert (credit.code, credit.refund_to, credit.refund_earliest) == ("store_credit", None, None)
    assert d.obligations.refund_amount is None
    assert d.obligations.refund_to is None  # the store has not chosen: nothing is promised


def test_decision_email_for_every_inspection() -> None:
    """§4: after inspection the customer gets an e-mail of approval or rejection."""
    for case in (inspection(), inspection(condition=condition(unused=False)), defect_inspection()):
        assert "s4.decision_email" in {
            n.clause_id for n in POLICY.inspection(case).obligations.notices
        }


PARCEL_ROWS = [
    ("lost", parcel(), ParcelOutcome.NO_REFUND_PARCEL_LOST),
    ("in transit", parcel(status=ParcelStatus.IN_TRANSIT), ParcelOutcome.AWAITING_PARCEL),
    (
        "delivered",
        parcel(status=ParcelStatus.DELIVERED_TO_STORE),
        ParcelOutcome.PROCEED_TO_INSPECTION,
    ),
    ("status unknown", parcel(status=None), ParcelOutcome.NEEDS_REVIEW),
]


@pytest.mark.parametrize(
    ("case", "outcome"), [r[1:] for r in PARCEL_ROWS], ids=[r[0] for r in PARCEL_ROWS]
)
def test_lost_parcel(case: Any, outcome: ParcelOutcome) -> None:
    """Stage 3 (S4_LOST): the store cannot be held responsible for lost packages."""
    d = POLICY.lost_parcel(case)
    check_row(d, outcome, ("s4.parcel_received",), S4_LOST)


def test_lost_insured_parcel_advice() -> None:
    """A lost insured parcel gets no refund, with advice to claim from the carrier."""
    d = POLICY.lost_parcel(parcel(insured=True))
    assert d.outcome is ParcelOutcome.NO_REFUND_PARCEL_LOST
    assert "carrier" in d.obligations.notices[0].message
    assert d.reasons[0].code == "return_parcel_lost"


def test_refundable_cancellation_refund() -> None:
    """A refundable cancellation refunds the price in the 7–10 business-day window."""
    d = POLICY.cancellation(cancellation())
    assert d.obligations.refund_amount == usd("900.00")
    assert (d.obligations.refund_earliest, d.obligations.refund_latest) == (
        date(2025, 3, 12),
        date(2025, 3, 17),
    )


APPROVED = ExchangeOutcome.APPROVED_PENDING_INSPECTION
EXCHANGE_ROWS = [
    ("approved", S5_TERMS, exchange(), APPROVED, ("s5.availability",)),
    (
        "returned before contact",
        S5_CONTACT,
        exchange(returned_at=at("2025-03-04")),
        ExchangeOutcome.REFUSED,
        ("s5.contact_first",),
    ),
    (
        "returned after contact",
        S5_CONTACT,
        exchange(returned_at=at("2025-03-06")),
        APPROVED,
        ("s5.contact_first",),
    ),
    (
        "unavailable",
        S5_TERMS,
        exchange(wanted_available=False),
        ExchangeOutcome.REFUSED,
        ("s5.availability",),
    ),
    (
        "availability unknown",
        S5_TERMS,
        exchange(wanted_available=None),
        ExchangeOutcome.NEEDS_REVIEW,
        ("s5.availability",),
    ),
    (
        "price unknown",
        S5_TERMS,
        exchange(wanted_price=None),
        ExchangeOutcome.NEEDS_REVIEW,
        ("s5.prices_known",),
    ),
]


@pytest.mark.parametrize(
    ("sentence", "case", "outcome", "clauses"),
    [r[1:] for r in EXCHANGE_ROWS],
    ids=[r[0] for r in EXCHANGE_ROWS],
)
def test_exchange(
    sentence: str, case: Any, outcome: ExchangeOutcome, clauses: tuple[str, ...]
) -> None:
    """Stage 6: exchanges of eligible items, prior contact, availability (§5)."""
    check_row(POLICY.exchange(case), outcome, clauses, sentence)


@pytest.mark.parametrize(
    ("wanted", "customer_pays", "store_refunds"),
    [("200.00", "0.00", "40.00"), ("300.00", "60.00", "0.00"), ("240.00", "0.00", "0.00")],
)
def test_exchange_settlement(wanted: str, customer_pays: str, store_refunds: str) -> None:
    """§5: the price difference is settled both ways, by exactly one side."""
    d = POLICY.exchange(exchange(wanted_price=usd(wanted)))
    assert d.settlement is not None
    assert (d.settlement.customer_pays, d.settlement.store_refunds) == (
        usd(customer_pays),
        usd(store_refunds),
    )


def test_decision_str_is_readable() -> None:
    """str(decision) names the outcome, the clause, the dates and the policy version."""
    text = str(decided(POLICY.return_request(return_request(at("2025-03-11")))))
    assert "not eligible" in text
    assert "[§1 s1.return_window]" in text
    assert "last day to request a return: 2025-03-10" in text
    assert "policy version 2025-01-12" in text


def test_delivered_constant_is_a_monday() -> None:
    """The builders' delivery date is the Monday the tables count from."""
    assert DELIVERED.date() == date(2025, 3, 3)
    assert replace(item(), sku="X").sku == "X"
