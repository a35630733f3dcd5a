"""Builders of complete, eligible-by-default cases; tests override one fact at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

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

NY = ZoneInfo("America/New_York")
UTC = UTC


def at(day: str, hour: int = 12, tz: Any = NY) -> datetime:
    """An aware instant: ``at("2025-03-03")`` is noon in New York (the store zone)."""
    y, m, d = map(int, day.split("-"))
    return datetime(y, m, d, hour, tzinfo=tz)


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


DELIVERED = at("2025-03-03")  # a Monday
UNKNOWN_DELIVERY = {"delivered_at": None, "purchased_at": None}  # item(**UNKNOWN_DELIVERY)


def item(**changes: Any) -> Item:
    """A ready-made, full-price ring bought on the website and delivered 2025-03-03."""
    base = Item(
        sku="RING-7",
        price=usd("240.00"),
        kind=ItemKind.READY_MADE,
        personalized=False,
        engraved=False,
        resized=False,
        altered=False,
        sale_event=SaleEvent.NONE,
        channel=SalesChannel.WEBSITE,
        purchased_at=at("2025-02-27"),
        delivered_at=DELIVERED,
    )
    return replace(base, **changes)


def condition(**changes: Any) -> Condition:
    return replace(Condition.as_new(), **changes)


def return_item(**changes: Any) -> ReturnItem:
    fields = {
        "item": item(),
        "condition": Condition.as_new(),
        "reason": ReturnReason.CHANGE_OF_MIND,
    }
    fields.update(changes)
    return ReturnItem(**fields)


def return_request(
    requested: datetime | None = None,
    *,
    items: tuple[ReturnItem, ...] | None = None,
    **changes: Any,
) -> ReturnRequest:
    """A return of the ring requested on 2025-03-05 with an invoice."""
    fields: dict[str, Any] = {
        "order_id": "A-1001",
        "requested_at": requested or at("2025-03-05"),
        "items": items or (return_item(),),
        "proof_of_purchase": ProofOfPurchase.INVOICE,
    }
    fields.update(changes)
    return ReturnRequest(**fields)


def defect_claim(**changes: Any) -> DefectClaim:
    """A manufacturing defect e-mailed with photos the day after delivery."""
    fields: dict[str, Any] = {
        "order_id": "A-1001",
        "item": item(),
        "reported_at": at("2025-03-04"),
        "kind": DefectKind.MANUFACTURING_DEFECT,
        "channel": NoticeChannel.EMAIL,
        "photos_sent_at": at("2025-03-04", 13),
    }
    fields.update(changes)
    return DefectClaim(**fields)


def inspection(request: ReturnRequest | DefectClaim | None = None, **changes: Any) -> Inspection:
    """The quality team's result on 2025-03-14 (a Friday): as new, no defect found."""
    fields: dict[str, Any] = {
        "order_id": "A-1001",
        "request": request or return_request(),
        "inspected_at": at("2025-03-14"),
        "condition": Condition.as_new(),
        "cause": DefectCause.NONE_FOUND,
    }
    fields.update(changes)
    return Inspection(**fields)


def defect_inspection(**changes: Any) -> Inspection:
    fields: dict[str, Any] = {
        "cause": DefectCause.MANUFACTURING_DEFECT,
        "repair_possible": True,
        "replacement_possible": True,
        "condition": Condition(),
    }
    fields.update(changes)
    return inspection(defect_claim(), **fields)


def parcel(**changes: Any) -> LostParcelReport:
    fields: dict[str, Any] = {
        "order_id": "A-1001",
        "status": ParcelStatus.LOST,
        "shipped_at": at("2025-03-06"),
        "tracked": True,
        "insured": False,
    }
    fields.update(changes)
    return LostParcelReport(**fields)


def custom_item(**changes: Any) -> Item:
    """A custom ring ordered 2025-02-27, not yet made nor delivered."""
    fields: dict[str, Any] = {
        "sku": "CUSTOM-1",
        "kind": ItemKind.CUSTOM_MADE,
        "personalized": True,
        "price": usd("900.00"),
        "delivered_at": None,
    }
    return item(**{**fields, **changes})


def cancellation(**changes: Any) -> CustomOrderCancellation:
    """A custom ring cancelled on 2025-03-03, production not started (so not delivered)."""
    fields: dict[str, Any] = {
        "order_id": "C-2001",
        "item": custom_item(),
        "cancelled_at": at("2025-03-03"),
        "production": ProductionStatus.NOT_STARTED,
    }
    fields.update(changes)
    return CustomOrderCancellation(**fields)


def exchange(**changes: Any) -> ExchangeRequest:
    """The ring exchanged for a 200 USD ring; the customer asked on 2025-03-05, before returning."""
    fields: dict[str, Any] = {
        "order_id": "A-1001",
        "requested_at": at("2025-03-05"),
        "item": return_item(),
        "wanted_sku": "RING-8",
        "wanted_available": True,
        "wanted_price": usd("200.00"),
        "proof_of_purchase": ProofOfPurchase.ORDER_CONFIRMATION,
        "returned_at": NOT_YET,
    }
    fields.update(changes)
    return ExchangeRequest(**fields)


def days(n: int) -> timedelta:
    return timedelta(days=n)
