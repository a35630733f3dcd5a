"""Money: ISO 4217 currencies only, shown with each currency's minor unit."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest

from atlier_policy import InputError, Money
from atlier_policy import cases as cases_module
from atlier_policy.codec import case_from_dict, case_to_dict
from atlier_policy.limits import AMOUNT_PATTERN, AMOUNT_PLACES
from atlier_policy.money import CURRENCIES, ISO_4217_PUBLISHED

EXCHANGE = {
    "stage": "exchange",
    "order_id": "E-1",
    "requested_at": "2025-03-05T12:00:00+09:00",
    "item": {"item": {"sku": "S"}},
    "wanted_sku": "T",
}


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("240", "USD", "240.00 USD"),
        ("1234567.5", "EUR", "1,234,567.50 EUR"),
        ("2400", "JPY", "2,400 JPY"),
        ("2400", "KRW", "2,400 KRW"),
        ("24.5", "BHD", "24.500 BHD"),
        ("1E+2", "USD", "100.00 USD"),
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


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        ("10.005", "EUR"),
        ("2400.4", "KRW"),
        ("2400.0", "JPY"),
        ("24.5000", "BHD"),
        ("0.00001", "CLF"),
        ("1.5E-7", "USD"),
        ("10.000000000", "USD"),
    ],
)
def test_more_decimals_than_the_currency_has_are_refused(amount: str, currency: str) -> None:
    """An amount with more decimals than its currency's minor unit is refused: nothing is
    ever rounded to be shown (10.005 EUR used to be shown as 10.00 or 10.01 EUR)."""
    places = CURRENCIES[currency]
    with pytest.raises(InputError, match=f"`amount` must be at most {places} decimal places"):
        Money(Decimal(amount), currency)


def test_negative_zero_is_zero() -> None:
    """-0 is 0: shown, encoded and compared as 0, whether given or made by negation."""
    assert str(Money(Decimal("-0.00"), "USD")) == "0.00 USD"
    assert str(-Money.zero("EUR")) == "0.00 EUR"
    assert not Money(Decimal("-0"), "JPY").amount.is_signed()
    assert Money(Decimal("-0"), "JPY") == Money(Decimal("0"), "JPY")


@pytest.mark.parametrize("amount", ["1E+2", "-0.00", "0E-2", "12.5", "2.4E+1"])
def test_every_amount_money_holds_is_written_so_the_decoder_reads_it(amount: str) -> None:
    """Money and the codec agree: any amount Money accepts is encoded in positional notation
    (never "1E+2", never "-0") and decodes to an equal value."""
    price = Money(Decimal(amount), "USD")
    doc = case_to_dict(replace(case_from_dict(EXCHANGE), wanted_price=price))
    assert re.fullmatch(AMOUNT_PATTERN, doc["wanted_price"]["amount"])
    assert case_from_dict(doc).wanted_price == price


def test_the_pattern_allows_the_largest_minor_unit() -> None:
    """AMOUNT_PLACES, the pattern's decimals, is the largest minor unit of the table."""
    assert max(CURRENCIES.values()) == AMOUNT_PLACES


@pytest.mark.parametrize(
    ("currency", "amount"), [("USD", "0.00"), ("JPY", "0"), ("BHD", "0.000"), ("CLF", "0.0000")]
)
def test_zero_has_the_currencys_decimals(currency: str, amount: str) -> None:
    """Zero in a currency without decimals (JPY) is valid: an exchange of equal JPY prices
    settles with it. Before, ``Money.zero("JPY")`` raised (0.00 has two decimals)."""
    zero = Money.zero(currency)
    assert (str(zero.amount), zero.currency) == (amount, currency)


def test_zero_of_an_unknown_currency_is_an_input_error() -> None:
    with pytest.raises(InputError, match="currency"):
        Money.zero("ZZZ")
