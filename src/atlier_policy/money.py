"""Money: a ``Decimal`` amount in an ISO 4217 currency.

The currency must be a current ISO 4217 code, and an amount has at most as many
decimals as the currency's minor unit (none for JPY, two for USD, three for BHD), so
that it is shown as it is, never rounded::

    >>> for amount, code in [("240", "USD"), ("2400", "JPY"), ("24", "BHD")]:
    ...     print(Money(Decimal(amount), code))
    240.00 USD
    2,400 JPY
    24.000 BHD
    >>> Money(Decimal("1"), "ZZZ")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    atlier_policy.errors.InputError: money: `currency` must be an ISO 4217 currency code ...
    >>> Money(Decimal("10.005"), "EUR")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    atlier_policy.errors.InputError: money: `amount` must be at most 2 decimal places, ...
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from atlier_policy._values import value_class
from atlier_policy.errors import InputError
from atlier_policy.limits import MAX_AMOUNT

__all__ = ["CURRENCIES", "ISO_4217_PUBLISHED", "Money"]

ISO_4217_PUBLISHED = "2026-01-01"
"""The edition of ISO 4217 List One that :data:`CURRENCIES` copies."""

# ISO 4217 List One, published 2026-01-01: every current code, by its minor unit (the
# number of decimals). Left out: the codes whose minor unit is "N.A." (precious metals
# XAU XAG XPD XPT, the SDR XDR, bond-market units XBA-XBD, XSU, XUA, and XTS and XXX):
# no price is written in them.
_BY_MINOR_UNIT = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    2: """
        AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN
        BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD
        FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW
        KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR
        MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG
        SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD
        USN UYU UZS VED VES WST XAD XCD XCG YER ZAR ZMW ZWG
    """,
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}
CURRENCIES: Mapping[str, int] = MappingProxyType(
    {code: unit for unit, codes in _BY_MINOR_UNIT.items() for code in codes.split()}
)
"""Each ISO 4217 currency code and its minor unit (decimals shown): ``USD`` 2, ``JPY`` 0."""


@value_class()
class Money:
    """An amount in a currency.

    Any finite ``Decimal`` below ``MAX_AMOUNT`` in magnitude with at most the currency's
    decimal places (``Decimal("1E+2")`` is 100); a negative zero is zero.

    >>> Money(Decimal("120.50"), "EUR") - Money(Decimal("100"), "EUR")
    Money(amount=Decimal('20.50'), currency='EUR')
    >>> -Money.zero("EUR")
    Money(amount=Decimal('0.00'), currency='EUR')
    >>> Money(120.5, "EUR")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    atlier_policy.errors.InputError: money: `amount` must be a Decimal (got 120.5)
    """

    amount: Decimal
    currency: str

    def __init__(
        self,
        amount: Decimal,
        currency: str,
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "amount", amount)
        put(self, "currency", currency)
        self.__post_init__()

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise InputError.single("amount", "a Decimal", self.amount, "money")
        if not self.amount.is_finite() or abs(self.amount) >= MAX_AMOUNT:
            raise InputError.single(
                "amount", f"finite and below {MAX_AMOUNT:,f}", self.amount, "money"
            )
        if not isinstance(self.currency, str) or self.currency not in CURRENCIES:
            raise InputError.single(
                "currency", "an ISO 4217 currency code like 'USD'", self.currency, "money"
            )
        places = CURRENCIES[self.currency]
        if -typing.cast(int, self.amount.as_tuple().exponent) > places:
            # Shown, stored and compared as given: nothing is ever rounded.
            raise InputError.single(
                "amount",
                f"at most {places} decimal places, {self.currency}'s minor unit",
                f"{self.amount:f}",
                "money",
            )
        if self.amount.is_zero() and self.amount.is_signed():
            object.__setattr__(self, "amount", self.amount.copy_abs())  # -0 is 0

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InputError.single(
                "currency", f"{self.currency} like the other amount", other.currency, "money"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        """The amount with the currency's decimals (never rounded: it has no more) and
        thousands separators."""
        return f"{self.amount:,.{CURRENCIES[self.currency]}f} {self.currency}"

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero with the currency's decimals: ``0.00 USD``, ``0 JPY``, ``0.000 BHD``."""
        places = CURRENCIES.get(currency, 0)  # an unknown currency: the constructor says so
        return cls(Decimal(0).scaleb(-places), currency)
