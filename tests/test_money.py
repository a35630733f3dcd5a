"""Money: ISO 4217 currencies only, shown with each currency's minor unit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from atlier_policy import InputError, Money
from atlier_policy import cases as cases_module
from atlier_policy.codec import case_from_dict
from atlier_policy.money import CURRENCIES, ISO_4217_PUBLISHED


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("240", "USD", "240.00 USD"),
        ("1234567.5", "EUR", "1,234,567.50 EUR"),
        ("2400", "JPY", "2,400 JPY"),
        ("2400.4", "KRW", "2,400 KRW"),
        ("24.5", "BHD", "24.500 BHD"),
        ("1.25", "CLF", "1.2500 CLF"),
        ("-5", "USD", "-5.00 USD"),
    ],
)
def test_shown_with_the_minor_unit(amount: str, currency: str, shown: str) -> None:
    """JPY shows no decimals, BHD three, CLF four, most currencies two."""
    assert str(Money(Decimal(amount), currency)) == shown


def test_the_table_is_iso_4217() -> None:
    """The shipped table: ISO 4217 List One's codes with a minor unit, and their units."""
    assert ISO_4217_PUBLISHED == "2026-01-01"
    assert len(CURRENCIES) == 165
    assert (CURRENCIES["USD"], CURRENCIES["JPY"], CURRENCIES["BHD"], CURRENCIES["UYW"]) == (
        2,
        0,
        3,
        4,
    )
    assert all(len(code) == 3 and code.isascii() and code.isupper() for code in CURRENCIES)
    with pytest.raises(TypeError):
        CURRENCIES["ZZZ"] = 2  # type: ignore[index]


@pytest.mark.parametrize("code", ["ZZZ", "usd", "XAU", "XXX", "US", "USDD", "", "ＵＳＤ", None])
def test_other_codes_are_refused(code: object) -> None:
    """Unknown codes, codes without a minor unit (gold, XXX) and non-codes are refused."""
    with pytest.raises(InputError, match="`currency` must be an ISO 4217 currency code"):
        Money(Decimal("1"), code)  # type: ignore[arg-type]


def test_json_money_uses_the_table() -> None:
    """A document's currency must be in the table too; JPY amounts decode and show as yen."""
    doc = {
        "stage": "exchange",
        "order_id": "E-1",
        "requested_at": "2025-03-05T12:00:00+09:00",
        "item": {"item": {"sku": "S", "price": {"amount": "24000", "currency": "JPY"}}},
        "wanted_sku": "T",
    }
    case = case_from_dict(doc)
    assert str(case.item.item.price) == "24,000 JPY"


def test_money_still_imports_from_cases() -> None:
    """Money moved to atlier_policy.money; atlier_policy.cases and the package re-export it."""
    import atlier_policy

    assert cases_module.Money is Money is atlier_policy.Money
    assert Money.__module__ == "atlier_policy.money"
