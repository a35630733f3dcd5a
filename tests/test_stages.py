"""Table-driven tests: one or more rows per sentence-level rule of the policy.

Each row names the policy sentence it exercises; the expected outcome and the
clauses that must be among the decision's reasons come from that sentence.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from atlier_policy import default_policy
from atlier_policy.cases import (
    DefectCause,
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


def test_accepted_claim_shipping_provisional() -> None:
    """§4: before the defect is confirmed the customer pays return shipping provisionally."""
    d = POLICY.defect_claim(defect_claim())
    assert d.outcome is DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION
    assert d.obligations.return_shipping_paid_by is ShippingPayer.CUSTOMER_UNTIL_CONFIRMED
    assert d.obligations.last_day_to_report_defect == date(2025, 3, 6)


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
