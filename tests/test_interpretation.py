"""The interpretation log (docs/interpretation.md), one test per entry.

Each test pins the reading the log records, through the public API, and where a
PolicyTerms parameter controls the reading, shows that changing it changes the
result.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from atlier_policy import (
    NOT_YET,
    Condition,
    CustomOrderCancellation,
    Decision,
    DefectClaim,
    ExchangeRequest,
    InputError,
    Inspection,
    Item,
    LostParcelReport,
    Money,
    Policy,
    PolicyTerms,
    ReturnItem,
    ReturnRequest,
    default_policy,
)
from atlier_policy.cases import (
    DefectCause,
    DefectKind,
    ItemKind,
    NoticeChannel,
    ParcelStatus,
    ProductionStatus,
    ProofOfPurchase,
    ReturnReason,
    SaleEvent,
    SalesChannel,
)
from atlier_policy.clauses.shipping import FREE_SHIPPING
from atlier_policy.decision import (
    CancellationOutcome,
    DefectClaimOutcome,
    ExchangeOutcome,
    InspectionOutcome,
    ParcelOutcome,
    ReturnOutcome,
    ShippingPayer,
)
from atlier_policy.text import POLICY_TEXT

NY = ZoneInfo("America/New_York")
DELIVERED = datetime(2025, 3, 3, 11, 0, tzinfo=NY)  # a Monday; day 0 = 2025-03-03
PRICE = Money(Decimal("120.00"), "USD")
SHIPPING_COST = Money(Decimal("12.50"), "USD")


def on(day: int, hour: int = 12) -> datetime:
    """An instant on 3 March 2025 + ``day`` days, New York time."""
    return datetime.combine(date(2025, 3, 3) + timedelta(days=day), time(hour), tzinfo=NY)


def item(**changes: object) -> Item:
    """A ready-made, full-price, unmodified website piece delivered on DELIVERED."""
    facts: dict[str, object] = {
        "sku": "RING-7",
        "price": PRICE,
        "kind": ItemKind.READY_MADE,
        "personalized": False,
        "engraved": False,
        "resized": False,
        "altered": False,
        "sale_event": SaleEvent.NONE,
        "channel": SalesChannel.WEBSITE,
        "delivered_at": DELIVERED,
    }
    facts.update(changes)
    return Item(**facts)  # type: ignore[arg-type]


def return_request(
    requested_at: datetime,
    piece: Item | None = None,
    *,
    condition: Condition | None = None,
    reason: ReturnReason = ReturnReason.CHANGE_OF_MIND,
    defect_confirmed: bool | None = False,
) -> ReturnRequest:
    """A one-item return request with proof of purchase."""
    line = ReturnItem(
        item=piece or item(),
        condition=Condition.as_new() if condition is None else condition,
        reason=reason,
        defect_confirmed=defect_confirmed,
    )
    return ReturnRequest(
        order_id="A-1001",
        requested_at=requested_at,
        items=(line,),
        proof_of_purchase=ProofOfPurchase.INVOICE,
    )


def defect_claim(
    reported_at: datetime, piece: Item | None = None, **changes: object
) -> DefectClaim:
    """A complete defect claim: e-mailed, with photos sent when reported."""
    claim = DefectClaim(
        order_id="A-1001",
        item=piece or item(),
        reported_at=reported_at,
        kind=DefectKind.MANUFACTURING_DEFECT,
        channel=NoticeChannel.EMAIL,
        photos_sent_at=reported_at,
    )
    return replace(claim, **changes)


def first(policy: Policy, request: ReturnRequest) -> Decision:
    """The decision on the first item of a return request."""
    return policy.return_request(request).items[0]


def clause_ids(decision: Decision) -> list[str]:
    return [r.clause_id for r in decision.reasons]


def test_last_updated_is_12_january_2025() -> None:
    """'Last Updated: 01/12/2025' is 12 January 2025 (US order), stamped on every decision."""
    terms = PolicyTerms()
    assert terms.effective_date == date(2025, 1, 12)
    assert terms.version == "2025-01-12"
    decision = first(default_policy(), return_request(on(2)))
    assert decision.policy_version == "2025-01-12"
    other = default_policy(version="2025-12-01", effective_date=date(2025, 12, 1))
    assert first(other, return_request(on(2))).policy_version == "2025-12-01"


def test_day_is_a_date_in_the_store_time_zone() -> None:
    """A 'day' is a calendar date in PolicyTerms.store_timezone (America/New_York by default)."""
    assert PolicyTerms().store_timezone == "America/New_York"
    late_evening = datetime(2025, 3, 4, 2, 30, tzinfo=UTC)  # 3 March, 21:30 in New York
    piece = item(delivered_at=late_evening)
    request = return_request(datetime(2025, 3, 11, 12, 0, tzinfo=UTC), piece)  # 11 March
    new_york = first(default_policy(), request)
    assert new_york.outcome is ReturnOutcome.NOT_ELIGIBLE
    assert new_york.obligations.last_day_to_request_return == date(2025, 3, 10)
    utc_store = first(default_policy(store_timezone="UTC"), request)
    assert utc_store.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    assert utc_store.obligations.last_day_to_request_return == date(2025, 3, 11)
    with pytest.raises(InputError):
        Item(sku="RING-7", delivered_at=datetime(2025, 3, 3, 11, 0))  # naive: refused


def test_return_window_day_7_in_time_day_8_late() -> None:
    """Delivery date is day 0: a request on day 7 is in time, day 8 late (return_window_days)."""
    policy = default_policy()
    day7 = first(policy, return_request(on(7, hour=23)))
    assert day7.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    assert day7.obligations.last_day_to_request_return == date(2025, 3, 10)
    day8 = first(policy, return_request(on(8, hour=0)))
    assert day8.outcome is ReturnOutcome.NOT_ELIGIBLE
    assert [r.code for r in day8.reasons] == ["return_window_expired"]
    longer = first(default_policy(return_window_days=8), return_request(on(8, hour=0)))
    assert longer.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION


def test_defect_notice_day_3_in_time_day_4_late() -> None:
    """Delivery date is day 0: a defect reported on day 3 is in time, day 4 late (defect_notice_days)."""
    policy = default_policy()
    day3 = policy.defect_claim(defect_claim(on(3, hour=23)))
    assert day3.outcome is DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION
    assert day3.obligations.last_day_to_report_defect == date(2025, 3, 6)
    day4 = policy.defect_claim(defect_claim(on(4, hour=0)))
    assert day4.outcome is DefectClaimOutcome.NOT_COVERED
    assert "defect_notice_late" in [r.code for r in day4.reasons]
    longer = default_policy(defect_notice_days=4).defect_claim(defect_claim(on(4, hour=0)))
    assert longer.outcome is DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION


def test_return_window_times_the_request_not_the_shipment() -> None:
    """Only the request is timed: a day-7 request stays in time however late the parcel ships."""
    policy = default_policy()
    request = return_request(on(7))
    assert first(policy, request).outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    parcel = LostParcelReport(
        order_id="A-1001", status=ParcelStatus.DELIVERED_TO_STORE, shipped_at=on(25)
    )
    assert policy.lost_parcel(parcel).outcome is ParcelOutcome.PROCEED_TO_INSPECTION
    inspection = Inspection(
        order_id="A-1001",
        request=request,
        inspected_at=on(30),
        condition=Condition.as_new(),
        cause=DefectCause.NONE_FOUND,
    )
    assert policy.inspection(inspection).outcome is InspectionOutcome.REFUND_APPROVED


def test_business_days_follow_the_holiday_calendar_with_observed_days() -> None:
    """Business days: Mon-Fri minus holidays of calendar_country/calendar_subdiv, observed days included."""
    request = return_request(
        datetime(2026, 6, 20, 12, tzinfo=NY), item(delivered_at=datetime(2026, 6, 19, tzinfo=NY))
    )
    # Approved Thursday 25 June 2026; Independence Day falls on a Saturday, observed Friday 3 July.
    inspection = Inspection(
        order_id="A-1001",
        request=request,
        inspected_at=datetime(2026, 6, 25, 15, tzinfo=NY),
        condition=Condition.as_new(),
        cause=DefectCause.NONE_FOUND,
    )
    us = default_policy().inspection(inspection).obligations
    assert (us.refund_earliest, us.refund_latest) == (date(2026, 7, 7), date(2026, 7, 10))
    gb = default_policy(calendar_country="GB").inspection(inspection).obligations
    assert (gb.refund_earliest, gb.refund_latest) == (date(2026, 7, 6), date(2026, 7, 9))
    # A subdivision's own holidays count too: Patriots' Day (Monday 21 April 2025) in MA.
    april = replace(
        inspection,
        request=return_request(
            datetime(2025, 4, 8, tzinfo=NY), item(delivered_at=datetime(2025, 4, 7, tzinfo=NY))
        ),
        inspected_at=datetime(2025, 4, 11, 15, tzinfo=NY),
    )
    federal = default_policy().inspection(april).obligations
    assert (federal.refund_earliest, federal.refund_latest) == (
        date(2025, 4, 22),
        date(2025, 4, 25),
    )
    ma = default_policy(calendar_subdiv="MA").inspection(april).obligations
    assert (ma.refund_earliest, ma.refund_latest) == (date(2025, 4, 23), date(2025, 4, 28))


def test_refund_window_counted_from_the_approval_date() -> None:
    """Refund window: 7th to 10th business day after the approval date, which is not counted."""
    # Approved Monday 3 March 2025 in New York, although it is already 4 March in UTC.
    inspection = Inspection(
        order_id="A-1001",
        request=return_request(on(0, hour=13)),
        inspected_at=datetime(2025, 3, 4, 2, 0, tzinfo=UTC),
        condition=Condition.as_new(),
        cause=DefectCause.NONE_FOUND,
    )
    decision = default_policy().inspection(inspection)
    assert decision.outcome is InspectionOutcome.REFUND_APPROVED
    ob = decision.obligations
    assert (ob.refund_earliest, ob.refund_latest) == (date(2025, 3, 12), date(2025, 3, 17))
    assert ob.refund_to == "original payment method"
    assert "s4.refund_window" in [n.clause_id for n in ob.notices]
    # Thanksgiving week: approved Friday 21 November 2025.
    thanksgiving = replace(
        inspection,
        request=return_request(
            datetime(2025, 11, 20, tzinfo=NY), item(delivered_at=datetime(2025, 11, 18, tzinfo=NY))
        ),
        inspected_at=datetime(2025, 11, 21, 15, tzinfo=NY),
    )
    tg = default_policy().inspection(thanksgiving).obligations
    assert (tg.refund_earliest, tg.refund_latest) == (date(2025, 12, 3), date(2025, 12, 8))
    shorter = default_policy(refund_min_business_days=5, refund_max_business_days=8)
    ob5 = shorter.inspection(inspection).obligations
    assert (ob5.refund_earliest, ob5.refund_latest) == (date(2025, 3, 10), date(2025, 3, 13))


def test_defect_remedy_covers_custom_and_engraved_pieces() -> None:
    """§3 covers 'your jewelry': custom and engraved pieces get the defect remedy (defect_remedy_covers_custom)."""
    assert PolicyTerms().defect_remedy_covers_custom is True
    engraved = item(engraved=True)
    custom = item(kind=ItemKind.CUSTOM_MADE, personalized=True)
    for piece in (engraved, custom):
        claim = defect_claim(on(2), piece)
        accepted = default_policy().defect_claim(claim)
        assert accepted.outcome is DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION
        inspection = Inspection(
            order_id="A-1001",
            request=claim,
            inspected_at=on(10),
            cause=DefectCause.MANUFACTURING_DEFECT,
            repair_possible=True,
        )
        remedy = default_policy().inspection(inspection)
        assert remedy.outcome is InspectionOutcome.REPAIR_OR_REPLACE
        excluded = default_policy(defect_remedy_covers_custom=False).defect_claim(claim)
        assert excluded.outcome is DefectClaimOutcome.NOT_COVERED
        assert clause_ids(excluded) == ["s3.covered_piece"]
        # The §2 exclusion of a *return* is untouched by the reading.
        assert first(default_policy(), return_request(on(2), piece)).outcome is (
            ReturnOutcome.NOT_ELIGIBLE
        )


def test_defective_sale_item_reported_late_is_not_covered() -> None:
    """A defective sale item reported after 3 days: defect route closed, and a return stays refused."""
    sale = item(sale_event=SaleEvent.CLEARANCE)
    policy = default_policy()
    late = policy.defect_claim(defect_claim(on(5), sale))
    assert late.outcome is DefectClaimOutcome.NOT_COVERED
    assert "defect_notice_late" in [r.code for r in late.reasons]
    # No other route: without a confirmed-defect record the sale exclusion stands.
    returned = first(policy, return_request(on(5), sale, defect_confirmed=False))
    assert returned.outcome is ReturnOutcome.NOT_ELIGIBLE
    assert clause_ids(returned) == ["s2.sale_item"]


def test_return_shipping_paid_by_customer_until_defect_confirmed() -> None:
    """Before confirmation the customer pays (CUSTOMER_UNTIL_CONFIRMED); a confirmed defect or store error: STORE, reimbursed."""
    policy = default_policy()
    claim = defect_claim(on(1))
    received = policy.defect_claim(claim).obligations
    assert received.return_shipping_paid_by is ShippingPayer.CUSTOMER_UNTIL_CONFIRMED
    assert received.return_shipping_reimbursed is None
    inspection = Inspection(
        order_id="A-1001",
        request=claim,
        inspected_at=on(9),
        cause=DefectCause.MANUFACTURING_DEFECT,
        repair_possible=True,
        return_shipping_cost=SHIPPING_COST,
    )
    confirmed = policy.inspection(inspection).obligations
    assert confirmed.return_shipping_paid_by is ShippingPayer.STORE
    assert confirmed.return_shipping_reimbursed == SHIPPING_COST
    misuse = policy.inspection(replace(inspection, cause=DefectCause.MISUSE))
    assert misuse.outcome is InspectionOutcome.REFUND_REJECTED
    assert misuse.obligations.return_shipping_paid_by is ShippingPayer.CUSTOMER
    assert misuse.obligations.return_shipping_reimbursed is None
    store_error = Inspection(
        order_id="A-1001",
        request=return_request(on(2), reason=ReturnReason.STORE_ERROR),
        inspected_at=on(9),
        condition=Condition.as_new(),
        cause=DefectCause.NONE_FOUND,
        return_shipping_cost=SHIPPING_COST,
        store_error_confirmed=True,
    )
    error_ob = policy.inspection(store_error).obligations
    assert error_ob.return_shipping_paid_by is ShippingPayer.STORE
    assert error_ob.return_shipping_reimbursed == SHIPPING_COST
    # An error the quality team does not confirm leaves the cost with the customer.
    unconfirmed = policy.inspection(replace(store_error, store_error_confirmed=False))
    assert unconfirmed.obligations.return_shipping_paid_by is ShippingPayer.CUSTOMER
    change_of_mind = policy.inspection(
        replace(store_error, request=return_request(on(2)), store_error_confirmed=None)
    ).obligations
    assert change_of_mind.return_shipping_paid_by is ShippingPayer.CUSTOMER
    assert change_of_mind.return_shipping_reimbursed is None


def test_missing_photos_incomplete_then_not_covered() -> None:
    """No photos: incomplete while the 3 days run, not covered once they have passed."""
    claim = defect_claim(on(1), photos_sent_at=NOT_YET)
    running = default_policy().defect_claim(claim)
    assert running.outcome is DefectClaimOutcome.INCOMPLETE
    assert running.missing == ("photos_sent_at",)
    passed = default_policy().defect_claim(replace(claim, as_of=on(4)))
    assert passed.outcome is DefectClaimOutcome.NOT_COVERED
    assert [r.code for r in passed.reasons] == ["defect_photos_missing"]
    longer = default_policy(defect_notice_days=4).defect_claim(replace(claim, as_of=on(4)))
    assert longer.outcome is DefectClaimOutcome.INCOMPLETE
    # Whether photos arrived is unknown (null) once the days have passed: review.
    unknown = default_policy().defect_claim(replace(claim, photos_sent_at=None, as_of=on(4)))
    assert unknown.outcome is DefectClaimOutcome.NEEDS_REVIEW


def test_notice_by_another_channel_is_incomplete() -> None:
    """A defect notice not sent by e-mail is incomplete while the 3 days run (the customer
    can still e-mail support); judged after them, it is not covered."""
    claim = defect_claim(on(1), channel=NoticeChannel.OTHER)
    decision = default_policy().defect_claim(claim)
    assert decision.outcome is DefectClaimOutcome.INCOMPLETE
    assert decision.missing == ("channel",)
    late = default_policy().defect_claim(replace(claim, as_of=on(10)))
    assert late.outcome is DefectClaimOutcome.NOT_COVERED
    assert [r.code for r in late.reasons] == ["defect_notice_not_by_email"]
    assert "support@atlierjewelry.com" in decision.reasons[0].message
    other_address = default_policy(support_email="care@example.com").defect_claim(claim)
    assert "care@example.com" in other_address.reasons[0].message


def test_ready_made_scope_judged_by_custom_made_clause() -> None:
    """'Ready-made' (§1) is judged by §2's custom-made clause alone: one reason, not two."""
    policy = default_policy()
    for piece in (item(kind=ItemKind.CUSTOM_MADE), item(personalized=True)):
        decision = first(policy, return_request(on(2), piece))
        assert decision.outcome is ReturnOutcome.NOT_ELIGIBLE
        assert clause_ids(decision) == ["s2.custom_or_personalized"]
    unknown = first(policy, return_request(on(2), item(kind=None)))
    assert unknown.outcome is ReturnOutcome.NEEDS_REVIEW
    assert clause_ids(unknown) == ["s2.custom_or_personalized"]


def test_sale_exclusion_lifted_only_by_recorded_defect() -> None:
    """A sale item is returnable only with the store's record of a confirmed defect; unknown record: review."""
    sale = item(sale_event=SaleEvent.SALE)
    policy = default_policy()
    assert ReturnItem(item=sale).defect_confirmed is False  # no record
    no_record = first(policy, return_request(on(2), sale))
    assert no_record.outcome is ReturnOutcome.NOT_ELIGIBLE
    confirmed = first(policy, return_request(on(2), sale, defect_confirmed=True))
    assert confirmed.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    assert "s2.sale_defect_exception" in clause_ids(confirmed)
    unknown = first(policy, return_request(on(2), sale, defect_confirmed=None))
    assert unknown.outcome is ReturnOutcome.NEEDS_REVIEW
    assert unknown.missing == ("defect_confirmed",)


def _cancellation(**changes: object) -> CustomOrderCancellation:
    """A custom order cancelled on Friday 21 November 2025 (New York)."""
    cancel = CustomOrderCancellation(
        order_id="C-2001",
        item=item(kind=ItemKind.CUSTOM_MADE, personalized=True, delivered_at=None),
        cancelled_at=datetime(2025, 11, 21, 15, tzinfo=NY),
    )
    return replace(cancel, **changes)


def test_custom_order_cancelled_before_production_is_refundable() -> None:
    """A custom order cancelled before production began is refundable; after, not; unknown, review."""
    policy = default_policy()
    started = datetime(2025, 11, 24, 9, tzinfo=NY)
    before = [
        _cancellation(production=ProductionStatus.NOT_STARTED),
        _cancellation(production_started_at=started),  # began after the cancellation
    ]
    for cancel in before:
        assert policy.cancellation(cancel).outcome is CancellationOutcome.REFUNDABLE
    after = [
        _cancellation(production=ProductionStatus.STARTED),
        _cancellation(production_started_at=datetime(2025, 11, 20, 9, tzinfo=NY)),
    ]
    for cancel in after:
        assert policy.cancellation(cancel).outcome is CancellationOutcome.NOT_REFUNDABLE
    assert policy.cancellation(_cancellation()).outcome is CancellationOutcome.NEEDS_REVIEW
    # The very instant production begins is "once production has begun".
    at_start = _cancellation(production_started_at=datetime(2025, 11, 21, 15, tzinfo=NY))
    assert policy.cancellation(at_start).outcome is CancellationOutcome.NOT_REFUNDABLE


def test_cancellation_refund_window_counted_from_cancellation_date() -> None:
    """A refundable cancellation's refund window is §4's, counted from the cancellation date."""
    cancel = _cancellation(production=ProductionStatus.NOT_STARTED)
    ob = default_policy().cancellation(cancel).obligations
    assert (ob.refund_earliest, ob.refund_latest) == (date(2025, 12, 3), date(2025, 12, 8))
    assert ob.refund_amount == PRICE
    assert ob.refund_to == "original payment method"
    assert [n.clause_id for n in ob.notices] == ["s4.refund_window", "h.free_shipping"]
    wider = default_policy(refund_max_business_days=12).cancellation(cancel).obligations
    assert wider.refund_latest == date(2025, 12, 10)


def test_ready_made_order_cancellation_needs_review() -> None:
    """Cancelling a ready-made order is not covered by the policy: needs review, never refundable."""
    cancel = _cancellation(item=item(delivered_at=None), production=ProductionStatus.NOT_STARTED)
    decision = default_policy().cancellation(cancel)
    assert decision.outcome is CancellationOutcome.NEEDS_REVIEW
    assert decision.obligations.refund_amount is None


def test_lost_return_parcel_gives_no_refund() -> None:
    """A lost return parcel gives no refund; one in transit is awaited; unknown status: review."""
    policy = default_policy()
    report = LostParcelReport(order_id="A-1001", status=ParcelStatus.LOST, tracked=True)
    lost = policy.lost_parcel(report)
    assert lost.outcome is ParcelOutcome.NO_REFUND_PARCEL_LOST
    assert clause_ids(lost) == ["s4.parcel_received"]
    assert [n.clause_id for n in lost.obligations.notices] == ["s4.insured_shipping"]
    in_transit = policy.lost_parcel(replace(report, status=ParcelStatus.IN_TRANSIT))
    assert in_transit.outcome is ParcelOutcome.AWAITING_PARCEL
    unknown = policy.lost_parcel(replace(report, status=None))
    assert unknown.outcome is ParcelOutcome.NEEDS_REVIEW


def test_exchange_price_difference_settled_both_ways() -> None:
    """An exchange settles the price difference both ways: the customer pays more or the store refunds."""
    request = ExchangeRequest(
        order_id="A-1001",
        requested_at=on(2),
        item=ReturnItem(item=item(), condition=Condition.as_new()),
        wanted_sku="RING-9",
        wanted_available=True,
        wanted_price=Money(Decimal("150.00"), "USD"),
        proof_of_purchase=ProofOfPurchase.ORDER_CONFIRMATION,
        returned_at=NOT_YET,
    )
    policy = default_policy()
    dearer = policy.exchange(request)
    assert dearer.outcome is ExchangeOutcome.APPROVED_PENDING_INSPECTION
    assert dearer.settlement is not None
    assert dearer.settlement.customer_pays == Money(Decimal("30.00"), "USD")
    assert dearer.settlement.store_refunds == Money.zero("USD")
    cheaper = policy.exchange(replace(request, wanted_price=Money(Decimal("95.00"), "USD")))
    assert cheaper.settlement is not None
    assert cheaper.settlement.customer_pays == Money.zero("USD")
    assert cheaper.settlement.store_refunds == Money(Decimal("25.00"), "USD")


def test_inspection_condition_replaces_declaration() -> None:
    """At inspection the quality team's condition finding replaces the customer's declaration."""
    policy = default_policy()
    declared_new = return_request(on(2))
    worn = replace(Condition.as_new(), unworn=False)
    rejected = policy.inspection(
        Inspection(
            order_id="A-1001",
            request=declared_new,
            inspected_at=on(9),
            condition=worn,
            cause=DefectCause.NONE_FOUND,
        )
    )
    assert rejected.outcome is InspectionOutcome.REFUND_REJECTED
    assert clause_ids(rejected) == ["s1.unworn"]
    undeclared = return_request(on(2), condition=Condition())
    assert first(policy, undeclared).outcome is ReturnOutcome.INCOMPLETE
    approved = policy.inspection(
        Inspection(
            order_id="A-1001",
            request=undeclared,
            inspected_at=on(9),
            condition=Condition.as_new(),
            cause=DefectCause.NONE_FOUND,
        )
    )
    assert approved.outcome is InspectionOutcome.REFUND_APPROVED


def test_eligible_channels_are_the_website_only() -> None:
    """Only website purchases are covered (eligible_channels = {website}), for returns and defects."""
    assert PolicyTerms().eligible_channels == frozenset({SalesChannel.WEBSITE})
    marketplace = item(channel=SalesChannel.MARKETPLACE)
    policy = default_policy()
    refused = first(policy, return_request(on(2), marketplace))
    assert refused.outcome is ReturnOutcome.NOT_ELIGIBLE
    assert clause_ids(refused) == ["s1.website_purchase"]
    claim = policy.defect_claim(defect_claim(on(1), marketplace))
    assert claim.outcome is DefectClaimOutcome.NOT_COVERED
    wider = default_policy(
        eligible_channels=frozenset({SalesChannel.WEBSITE, SalesChannel.MARKETPLACE})
    )
    assert first(wider, return_request(on(2), marketplace)).outcome is (
        ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    )


def test_no_outbound_shipping_deducted() -> None:
    """Shipping to the customer was free: an approved refund is the full item price."""
    assert FREE_SHIPPING.sentence in POLICY_TEXT
    inspection = Inspection(
        order_id="A-1001",
        request=return_request(on(2)),
        inspected_at=on(9),
        condition=Condition.as_new(),
        cause=DefectCause.NONE_FOUND,
    )
    decision = default_policy().inspection(inspection)
    assert decision.outcome is InspectionOutcome.REFUND_APPROVED
    assert decision.obligations.refund_amount == PRICE


def test_the_quality_teams_finding_decides_at_inspection() -> None:
    """The inspection's cause decides: a defect found lifts §2 "(unless defective)" and moves
    shipping to the store; no defect found overturns a defect recorded earlier."""
    policy = default_policy()
    full_price = Inspection(
        order_id="A-1001",
        request=return_request(on(2)),
        inspected_at=on(9),
        condition=Condition.as_new(),
        cause=DefectCause.MANUFACTURING_DEFECT,
        return_shipping_cost=SHIPPING_COST,
    )
    d = policy.inspection(full_price)
    assert d.outcome is InspectionOutcome.REFUND_APPROVED
    assert d.obligations.return_shipping_paid_by is ShippingPayer.STORE
    assert d.obligations.return_shipping_reimbursed == SHIPPING_COST
    sale = replace(full_price, request=return_request(on(2), item(sale_event=SaleEvent.SALE)))
    assert policy.inspection(sale).outcome is InspectionOutcome.REFUND_APPROVED
    recorded = return_request(on(2), item(sale_event=SaleEvent.SALE), defect_confirmed=True)
    overturned = policy.inspection(
        replace(full_price, request=recorded, cause=DefectCause.NONE_FOUND)
    )
    assert overturned.outcome is InspectionOutcome.REFUND_REJECTED
    assert "not confirmed" in overturned.reasons[0].message


def test_an_error_on_our_part_is_confirmed_by_the_inspection() -> None:
    """A store error is a claim until the quality team confirms it (store_error_confirmed):
    unknown means review and never bills the store; a sale piece sent in error can be
    returned, since §2's sale exclusion concerns what the customer bought."""
    policy = default_policy()
    sale = item(sale_event=SaleEvent.SALE)
    asked = first(policy, return_request(on(2), sale, reason=ReturnReason.STORE_ERROR))
    assert asked.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    assert asked.obligations.return_shipping_paid_by is ShippingPayer.CUSTOMER_UNTIL_CONFIRMED
    found = Inspection(
        order_id="A-1001",
        request=return_request(on(2), sale, reason=ReturnReason.STORE_ERROR),
        inspected_at=on(9),
        condition=Condition.as_new(),
        cause=DefectCause.NONE_FOUND,
        return_shipping_cost=SHIPPING_COST,
    )
    unknown = policy.inspection(found)
    assert unknown.outcome is InspectionOutcome.NEEDS_REVIEW
    assert unknown.obligations.return_shipping_paid_by is None
    confirmed = policy.inspection(replace(found, store_error_confirmed=True))
    assert confirmed.outcome is InspectionOutcome.REFUND_APPROVED
    assert confirmed.obligations.return_shipping_paid_by is ShippingPayer.STORE
    ruled_out = policy.inspection(replace(found, store_error_confirmed=False))
    assert ruled_out.outcome is InspectionOutcome.REFUND_REJECTED
    assert clause_ids(ruled_out) == ["s2.sale_item"]


def test_contradictory_facts_are_bad_input() -> None:
    """An event before the event it follows is refused, naming both fields."""
    with pytest.raises(InputError, match=r"`cancelled_at` must be on or after item\.purchased_at"):
        _cancellation(
            cancelled_at=datetime(2020, 1, 1, tzinfo=NY),
            item=item(
                kind=ItemKind.CUSTOM_MADE,
                personalized=True,
                delivered_at=None,
                purchased_at=datetime(2025, 11, 1, tzinfo=NY),
            ),
        )
    with pytest.raises(
        InputError, match=r"`photos_sent_at` must be on or after item\.delivered_at"
    ):
        defect_claim(on(1), photos_sent_at=on(-2))
    with pytest.raises(InputError, match="`production` must be 'started' or None"):
        _cancellation(item=item(kind=ItemKind.CUSTOM_MADE), production=ProductionStatus.NOT_STARTED)


def test_null_means_unknown_and_not_yet_is_explicit() -> None:
    """null is an unknown fact everywhere (review); "not yet" is NOT_YET: an exchange whose
    piece was not yet sent back passes "contact us before returning it", an unknown one
    needs review."""
    request = ExchangeRequest(
        order_id="A-1001",
        requested_at=on(2),
        item=ReturnItem(item=item(), condition=Condition.as_new()),
        wanted_sku="RING-9",
        wanted_available=True,
        wanted_price=PRICE,
        proof_of_purchase=ProofOfPurchase.INVOICE,
        returned_at=NOT_YET,
    )
    policy = default_policy()
    assert policy.exchange(request).outcome is ExchangeOutcome.APPROVED_PENDING_INSPECTION
    unknown = policy.exchange(replace(request, returned_at=None))
    assert unknown.outcome is ExchangeOutcome.NEEDS_REVIEW
    assert unknown.missing == ("returned_at",)


def test_a_refund_of_unknown_amount_is_granted_naming_the_price() -> None:
    """The text owes the refund whatever its amount: an approved refund or a refundable
    cancellation of unknown price stays granted, and `missing` names the price."""
    refundable = default_policy().cancellation(
        _cancellation(
            production=ProductionStatus.NOT_STARTED,
            item=item(kind=ItemKind.CUSTOM_MADE, personalized=True, delivered_at=None, price=None),
        )
    )
    assert refundable.outcome is CancellationOutcome.REFUNDABLE
    assert refundable.obligations.refund_amount is None
    assert refundable.missing == ("item.price",)


def test_partial_refund_or_store_credit_options() -> None:
    """ "Partial refund or store credit": the store offers one; the decision states both, the
    refund to the original payment method within §4's window, the credit with the store."""
    claim = defect_claim(on(1))
    inspection = Inspection(
        order_id="A-1001",
        request=claim,
        inspected_at=on(9),
        cause=DefectCause.MANUFACTURING_DEFECT,
        repair_possible=False,
        replacement_possible=False,
    )
    ob = default_policy().inspection(inspection).obligations
    assert [o.code for o in ob.options] == ["partial_refund", "store_credit"]
    assert ob.options[0].refund_to == "original payment method"
    assert ob.options[1].refund_to is None
    assert ob.refund_to is None


def test_one_default_policy_everywhere() -> None:
    """Every entry point and tool judges by the version in force at the purchase date; an
    unknown purchase date may precede every version, so it needs review."""
    from atlier_policy import evaluate
    from atlier_policy.qualify import how_to_qualify

    undated = return_request(on(2), item(purchased_at=None))
    (d,) = evaluate(undated).items  # type: ignore[union-attr]
    assert d.outcome is ReturnOutcome.NEEDS_REVIEW
    assert d.missing == ("purchased_at",)
    (q,) = how_to_qualify(undated)
    assert q.outcome is ReturnOutcome.NEEDS_REVIEW
    dated = return_request(on(2), item(purchased_at=on(-3)))
    (ok,) = evaluate(dated).items  # type: ignore[union-attr]
    assert ok.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
