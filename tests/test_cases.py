"""The typed case values refuse bad input with a clear error naming the field."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from atlier_policy import (
    Condition,
    CustomOrderCancellation,
    InputError,
    Inspection,
    Item,
    Money,
    ReturnItem,
    ReturnRequest,
)
from atlier_policy.cases import ProductionStatus, SaleEvent
from builders import at, cancellation, defect_claim, item, return_item, usd


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Money(Decimal("NaN"), "USD"), "amount"),
        (lambda: Money(Decimal("1e12"), "USD"), "amount"),
        (lambda: Money(Decimal("10"), "usd"), "currency"),
        (lambda: Money(Decimal("10"), None), "currency"),
        (lambda: Item(sku=""), "sku"),
        (lambda: Item(sku="A" * 201), "sku"),
        (lambda: Item(sku="A", engraved=1), "engraved"),
        (lambda: Item(sku="A", sale_event="sale"), "sale_event"),
        (lambda: Item(sku="A", price=10), "price"),
        (lambda: Item(sku="A", delivered_at="2025-03-03T12:00:00+00:00"), "delivered_at"),
        (lambda: Item(sku="A", delivered_at=datetime(2025, 3, 3, 12)), "delivered_at"),
        (lambda: Condition(unused="yes"), "unused"),
        (lambda: ReturnItem(item="RING-7"), "item"),
        (lambda: ReturnItem(item=item(), condition={"unused": True}), "condition"),
        (lambda: ReturnItem(item=item(), defect_confirmed="no"), "defect_confirmed"),
        (
            lambda: ReturnRequest(
                order_id="A", requested_at=at("2025-03-05"), items=[return_item()]
            ),
            "items",
        ),
        (
            lambda: ReturnRequest(
                order_id="A", requested_at=at("2025-03-05"), items=(return_item(), "x")
            ),
            "items[1]",
        ),
        (
            lambda: ReturnRequest(order_id="A", requested_at=None, items=(return_item(),)),
            "requested_at",
        ),
        (lambda: defect_claim(kind="scratch"), "kind"),
        (lambda: Inspection(order_id="A", request="req", inspected_at=at("2025-03-10")), "request"),
        (
            lambda: cancellation(
                production=ProductionStatus.NOT_STARTED, production_started_at=at("2025-03-01")
            ),
            "production_started_at",
        ),
    ],
)
def test_bad_values_name_their_field(build: Any, field: str) -> None:
    """Each malformed value raises our InputError (a ValueError) naming the field."""
    with pytest.raises(InputError) as info:
        build()
    assert isinstance(info.value, ValueError)
    assert field in [p[0] for p in info.value.problems]
    assert f"`{field}`" in str(info.value)


def test_money_arithmetic_needs_one_currency() -> None:
    """Adding or subtracting amounts in different currencies is refused; same currency works."""
    assert usd("10.00") + usd("2.50") == usd("12.50")
    with pytest.raises(InputError, match="currency"):
        usd("10.00") - Money(Decimal("1"), "EUR")
    assert str(usd("1234.5")) == "1,234.50 USD"


def test_cancellation_needs_aware_instant() -> None:
    """A naive cancellation instant is refused, quoting it and saying it has no offset."""
    with pytest.raises(InputError, match="no offset"):
        CustomOrderCancellation(order_id="C", item=item(), cancelled_at=datetime(2025, 3, 3))


def test_long_values_are_shortened_in_messages() -> None:
    """A huge given value is quoted shortened, on one line."""
    with pytest.raises(InputError) as info:
        Item(sku="A", sale_event="x\n" * 100)
    given = info.value.problems[0][2]
    assert len(given) == 80
    assert given.endswith("...")
    assert "\n" not in str(info.value)


def test_input_error_pickles() -> None:
    """Our input error survives pickling (process pools re-raise it in the parent)."""
    err = InputError.single("order_id", "a string", 5, "case")
    clone = pickle.loads(pickle.dumps(err))
    assert isinstance(clone, InputError)
    assert (clone.problems, clone.context, str(clone)) == (err.problems, err.context, str(err))


def test_sale_event_enum_by_value() -> None:
    """Enums are the values; the case compares equal after dataclass replace round trips."""
    assert item(sale_event=SaleEvent.SALE).sale_event.value == "sale"
    assert at("2025-03-03", tz=UTC).tzinfo is UTC
