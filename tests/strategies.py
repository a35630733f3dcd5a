"""Hypothesis strategies for cases of every stage.

``complete_*`` strategies draw cases in which every fact is known (any value);
``blank`` then removes one required fact, for the fail-closed properties.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from atlier_policy import (
    NOT_YET,
    Condition,
    CustomOrderCancellation,
    DefectClaim,
    ExchangeRequest,
    Inspection,
    Item,
    LostParcelReport,
    Money,
    ReturnItem,
    ReturnRequest,
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

# Zones without daylight saving: Python compares and adds aware datetimes of one
# zone by wall clock, so DST gaps and folds would make generated "later" instants
# earlier. DST itself is exercised through the store zone (America/New_York).
ZONES = st.sampled_from(
    [
        UTC,
        ZoneInfo("Asia/Kolkata"),
        ZoneInfo("Asia/Tokyo"),
        timezone(timedelta(hours=-8)),
    ]
)


def instants(
    lo: datetime = datetime(2024, 1, 1), hi: datetime = datetime(2026, 12, 31)
) -> st.SearchStrategy[datetime]:
    """Aware instants in assorted zones (JSON keeps the offset, not the zone name)."""
    return st.datetimes(min_value=lo, max_value=hi, timezones=ZONES)


def money(currency: str = "USD") -> st.SearchStrategy[Money]:
    return st.decimals(min_value=Decimal("0"), max_value=Decimal("50000"), places=2).map(
        lambda d: Money(d, currency)
    )


gaps = st.integers(min_value=0, max_value=20 * 24 * 3600).map(lambda s: timedelta(seconds=s))


@st.composite
def complete_items(
    draw: st.DrawFn, delivered: datetime | None = None, *, purchased: datetime | None = None
) -> Item:
    """Every fact known; ``purchased`` alone: a piece not delivered (yet)."""
    if purchased is not None:
        return replace(draw(complete_items()), purchased_at=purchased, delivered_at=None)
    delivered = delivered or draw(instants())
    return Item(
        sku=draw(st.sampled_from(["RING-7", "NECK-2", "EAR-9"])),
        price=draw(money()),
        kind=draw(st.sampled_from(ItemKind)),
        personalized=draw(st.booleans()),
        engraved=draw(st.booleans()),
        resized=draw(st.booleans()),
        altered=draw(st.booleans()),
        sale_event=draw(st.sampled_from(SaleEvent)),
        channel=draw(st.sampled_from(SalesChannel)),
        purchased_at=delivered - draw(gaps),
        delivered_at=delivered,
    )


def eligible_leaning_items(delivered: datetime) -> st.SearchStrategy[Item]:
    """Items that pass §1/§2 more often than uniform draws would."""
    return st.builds(
        Item,
        sku=st.just("RING-7"),
        price=money(),
        kind=st.sampled_from([ItemKind.READY_MADE] * 5 + [ItemKind.CUSTOM_MADE]),
        personalized=st.sampled_from([False] * 5 + [True]),
        engraved=st.sampled_from([False] * 5 + [True]),
        resized=st.sampled_from([False] * 5 + [True]),
        altered=st.sampled_from([False] * 5 + [True]),
        sale_event=st.sampled_from([SaleEvent.NONE] * 5 + list(SaleEvent)),
        channel=st.sampled_from([SalesChannel.WEBSITE] * 5 + list(SalesChannel)),
        purchased_at=gaps.map(lambda g: delivered - g),
        delivered_at=st.just(delivered),
    )


conditions = st.builds(
    Condition,
    unused=st.booleans(),
    unworn=st.booleans(),
    original_packaging=st.booleans(),
    certificates_included=st.booleans(),
    tags_included=st.booleans(),
    accessories_included=st.booleans(),
)
mostly_new = st.one_of(st.just(Condition.as_new()), conditions)


@st.composite
def return_items(draw: st.DrawFn, delivered: datetime) -> ReturnItem:
    return ReturnItem(
        item=draw(st.one_of(eligible_leaning_items(delivered), complete_items(delivered))),
        condition=draw(mostly_new),
        reason=draw(st.sampled_from(ReturnReason)),
        defect_confirmed=draw(st.sampled_from([False, False, True])),
    )


@st.composite
def complete_return_requests(draw: st.DrawFn, max_items: int = 3) -> ReturnRequest:
    delivered = draw(instants())
    items = draw(st.lists(return_items(delivered), min_size=1, max_size=max_items))
    return ReturnRequest(
        order_id="A-1",
        requested_at=delivered + draw(gaps),
        items=tuple(items),
        proof_of_purchase=draw(
            st.sampled_from([ProofOfPurchase.INVOICE] * 3 + list(ProofOfPurchase))
        ),
    )


@st.composite
def complete_defect_claims(draw: st.DrawFn) -> DefectClaim:
    delivered = draw(instants())
    reported = delivered + draw(gaps)
    as_of = reported + draw(gaps)
    # Photos reach the store after the delivery, or not yet.
    photos = draw(st.one_of(st.just(NOT_YET), gaps.map(lambda g: delivered + g)))
    return DefectClaim(
        order_id="D-1",
        item=draw(st.one_of(eligible_leaning_items(delivered), complete_items(delivered))),
        reported_at=reported,
        kind=draw(st.sampled_from(DefectKind)),
        channel=draw(st.sampled_from([NoticeChannel.EMAIL] * 3 + [NoticeChannel.OTHER])),
        photos_sent_at=photos,
        as_of=as_of,
    )


@st.composite
def complete_inspections(draw: st.DrawFn) -> Inspection:
    if draw(st.booleans()):
        req: ReturnRequest | DefectClaim = draw(complete_return_requests(max_items=1))
        started = req.requested_at
    else:
        req = draw(complete_defect_claims())
        started = req.reported_at
    cause = draw(st.sampled_from(DefectCause))
    return Inspection(
        order_id=req.order_id,
        request=req,
        inspected_at=started + draw(gaps),
        condition=draw(mostly_new),
        cause=cause,
        repair_possible=draw(st.booleans()),
        replacement_possible=draw(st.booleans()),
        return_shipping_cost=draw(money()),
        store_error_confirmed=draw(st.booleans()),
    )


@st.composite
def complete_cancellations(draw: st.DrawFn) -> CustomOrderCancellation:
    purchased = draw(instants())
    cancelled = purchased + draw(gaps)
    production = draw(st.sampled_from(ProductionStatus))
    item = draw(complete_items(purchased=purchased))  # not made, so not delivered
    started = None
    if production is ProductionStatus.STARTED and draw(st.booleans()):
        # "started" when cancelled: production began between the order and the cancellation.
        started = min(purchased + draw(gaps), cancelled)
        if draw(st.booleans()):  # the piece was made and delivered afterwards
            item = replace(item, delivered_at=max(started, cancelled) + draw(gaps))
    return CustomOrderCancellation(
        order_id="C-1",
        item=item,
        cancelled_at=cancelled,
        production=production,
        production_started_at=started,
    )


@st.composite
def complete_exchanges(draw: st.DrawFn) -> ExchangeRequest:
    delivered = draw(instants())
    requested = delivered + draw(gaps)
    # Sent back after the delivery, before or after contacting us, or not yet.
    returned = draw(st.one_of(st.just(NOT_YET), gaps.map(lambda g: delivered + g)))
    return ExchangeRequest(
        order_id="X-1",
        requested_at=requested,
        item=draw(return_items(delivered)),
        wanted_sku="RING-8",
        wanted_available=draw(st.sampled_from([True, True, False])),
        wanted_price=draw(money()),
        proof_of_purchase=draw(st.sampled_from(ProofOfPurchase)),
        returned_at=returned,
    )


complete_parcels = st.builds(
    LostParcelReport,
    order_id=st.just("P-1"),
    status=st.sampled_from(ParcelStatus),
    shipped_at=instants(),
    tracked=st.booleans(),
    insured=st.booleans(),
)

any_complete_case = st.one_of(
    complete_return_requests(),
    complete_defect_claims(),
    complete_inspections(),
    complete_cancellations(),
    complete_exchanges(),
    complete_parcels,
)


def set_path(obj: Any, path: str, value: Any) -> Any:
    """A copy of ``obj`` with the fact at dotted ``path`` set (``items[0]`` for tuples)."""
    head, _, rest = path.partition(".")
    if head.endswith("]"):
        name, index = head[:-1].split("[")
        seq = list(getattr(obj, name))
        seq[int(index)] = set_path(seq[int(index)], rest, value) if rest else value
        return replace(obj, **{name: tuple(seq)})
    if not rest:
        return replace(obj, **{head: value})
    return replace(obj, **{head: set_path(getattr(obj, head), rest, value)})
