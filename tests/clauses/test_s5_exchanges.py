"""§5 Exchanges: the section's tables, properties and mutation-killing tests.

The clauses and provision of ``atlier_policy.clauses.exchanges`` (``s5.*``): contact
us before returning the piece, the wanted product available, both prices known, and
the price difference settled one way. Each row of a table names the sentence it
exercises (tests/tables.py); the fix rows say how ``how_to_qualify`` lifts each reason
(tests/qualify_laws.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given

from atlier_policy import ExchangeRequest, Money, default_policy
from atlier_policy.decision import ExchangeOutcome, Settlement, ShippingPayer
from atlier_policy.messages import customer_message
from atlier_policy.qualify import FixKind
from builders import at, exchange, item, return_item, usd
from qualify_laws import FIX_ROW, check_fix, one
from strategies import complete_exchanges, money
from tables import S5_CONTACT, S5_TERMS, check_row, reason_of, table

POLICY = default_policy()

# --- the decisions ------------------------------------------------------------------------

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


@table(EXCHANGE_ROWS)
def test_exchange(sentence: str, case: Any, outcome: Any, clauses: tuple[str, ...]) -> None:
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


# --- mutation-killing tests (docs/quality.md, "Mutation testing") ---------------------


def test_exchange_contact_before_return_is_judged_on_new_york_dates() -> None:
    """§5 "contact us before returning it": both dates are New York dates, also late at night."""
    asked = datetime(2025, 3, 6, 2, 0, tzinfo=UTC)  # 5 March, 21:00 in New York
    sent = datetime(2025, 3, 7, 3, 0, tzinfo=UTC)  # 6 March, 22:00 in New York
    decision = POLICY.exchange(exchange(requested_at=asked, returned_at=sent))
    assert decision.outcome is ExchangeOutcome.APPROVED_PENDING_INSPECTION
    reason = reason_of(decision, "s5.contact_first")
    assert reason.message == "contacted us on 2025-03-05, before returning it on 2025-03-06"
    assert reason.facts == (("contacted", "2025-03-05"), ("returned", "2025-03-06"))
    refused = POLICY.exchange(exchange(requested_at=sent, returned_at=asked))
    assert refused.outcome is ExchangeOutcome.REFUSED
    reason = reason_of(refused, "s5.contact_first")
    assert reason.message == "returned the piece on 2025-03-05 before contacting us on 2025-03-06"


def test_exchange_needs_both_prices_in_one_currency() -> None:
    """§5 "price differences": without both prices, or with two currencies, the exchange needs review."""
    for have, want, missing in [
        (None, usd("200.00"), ("item.item.price",)),
        (usd("240.00"), None, ("wanted_price",)),
        (None, None, ("item.item.price", "wanted_price")),
    ]:
        case = exchange(item=return_item(item=item(price=have)), wanted_price=want)
        decision = POLICY.exchange(case)
        assert decision.outcome is ExchangeOutcome.NEEDS_REVIEW
        reason = reason_of(decision, "s5.prices_known")
        assert reason.message == "both prices are needed to settle the difference"
        assert reason.missing == missing
    decision = POLICY.exchange(exchange(wanted_price=Money(Decimal("200.00"), "EUR")))
    assert decision.outcome is ExchangeOutcome.NEEDS_REVIEW
    reason = reason_of(decision, "s5.prices_known")
    assert reason.message == "prices in different currencies (USD, EUR)"
    assert reason.missing == ("wanted_price",)


def test_prices_in_two_currencies_need_review() -> None:
    """An exchange priced in two currencies cannot be settled and needs review."""
    d = default_policy().exchange(exchange(wanted_price=Money(Decimal("200"), "EUR")))
    assert d.outcome is ExchangeOutcome.NEEDS_REVIEW
    assert "different currencies" in d.reasons[0].message


def test_exchange_without_price_clause_has_no_settlement() -> None:
    """With the price clause removed, an approved exchange with an unknown price settles nothing."""
    lenient = default_policy().without_clause("s5.prices_known")
    d = lenient.exchange(exchange(wanted_price=None))
    assert d.outcome is ExchangeOutcome.APPROVED_PENDING_INSPECTION
    assert d.settlement is None
    # Still an approval: who pays the return shipping, how to ship, the last days (§1, §4).
    ob = d.obligations
    assert ob.return_shipping_paid_by is ShippingPayer.CUSTOMER
    assert [n.code for n in ob.notices] == ["return_shipping", "insured_shipping", "decision_email"]
    assert ob.last_day_to_request_return is not None
    assert ob.last_day_to_report_defect is not None


# --- properties -------------------------------------------------------------------------


@given(money(), money())
def test_settlement_one_side_pays(price: Any, wanted: Any) -> None:
    """An exchange settlement never asks both sides to pay, and adds up to the price difference."""
    s = Settlement.of(price, wanted)
    assert s.customer_pays.amount >= 0
    assert s.store_refunds.amount >= 0
    assert s.customer_pays.amount == 0 or s.store_refunds.amount == 0
    assert s.customer_pays.amount - s.store_refunds.amount == wanted.amount - price.amount


@given(complete_exchanges())
def test_exchange_settlement_matches_prices(case: ExchangeRequest) -> None:
    """An approved exchange settles exactly the difference between the two prices."""
    d = POLICY.evaluate(case)
    if d.granted:
        assert d.settlement == Settlement.of(case.item.item.price, case.wanted_price)
    else:
        assert d.settlement is None


# --- how to qualify: each clause's fix ------------------------------------------------


def test_unavailable_exchange_item_claims_no_approval() -> None:
    """§5 "based on product availability": the same unavailable SKU is not made available;
    the customer chooses another product, and no approved outcome is claimed."""
    q = one(exchange(wanted_available=False))
    (s,) = q.suggestions
    assert "choose an available product" in s.message
    assert s.changes == ()
    assert (q.case, q.outcome_if_changed) == (None, None)


def test_prices_nobody_recorded() -> None:
    """Neither price known: the store must record them; the library names no value."""
    case = exchange(wanted_price=None, item=return_item(item=item(price=None)))
    q = one(case)
    (s,) = q.suggestions
    assert s.changes == ()
    assert q.case is None


FIX_ROWS: list[tuple[str, Any, str, FixKind | None, str]] = [
    # (id, case, reason code, kind or None for a blocker, a fragment of the message)
    (
        "exchange, returned unknown",
        exchange(returned_at=None),
        "exchange_contact",
        FixKind.RECORD,
        "record whether the piece was already sent back",
    ),
    (
        "returned before contact",
        exchange(returned_at=at("2025-03-04")),
        "exchange_without_prior_contact",
        FixKind.WOULD_HAVE,
        "after contacting us (on 2025-03-05)",
    ),
    (
        "unavailable",
        exchange(wanted_available=False),
        "exchange_unavailable",
        FixKind.ACT,
        "RING-8 is not available",
    ),
    (
        "availability unknown",
        exchange(wanted_available=None),
        "exchange_availability",
        FixKind.RECORD,
        "RING-8",
    ),
    (
        "wanted price unknown",
        exchange(wanted_price=None),
        "exchange_prices",
        FixKind.RECORD,
        "both prices",
    ),
    (
        "item price unknown",
        exchange(item=return_item(item=item(price=None))),
        "exchange_prices",
        FixKind.RECORD,
        "both prices",
    ),
    (
        "two currencies",
        exchange(wanted_price=replace(usd("200.00"), currency="EUR")),
        "exchange_prices",
        FixKind.RECORD,
        "one currency",
    ),
]


@table(FIX_ROWS, FIX_ROW)
def test_each_reason(
    case: Any, code: str, kind: FixKind | None, fragment: str, request: pytest.FixtureRequest
) -> None:
    """Each §5 reason code gets its suggestion (with its kind) or its blocker, in plain words."""
    check_fix(case, code, kind, fragment, ("s5", request.node.callspec.id))


PRICE_WORDS = [  # the ring returned costs 240 USD
    ("300.00", "The new piece costs more: the difference of 60.00 USD is payable by you."),
    ("200.00", "The new piece costs less: we will refund you the difference of 40.00 USD."),
    (None, "Both pieces cost the same, so there is no difference to settle."),
    # A difference of cents is a difference too.
    ("240.50", "The new piece costs more: the difference of 0.50 USD is payable by you."),
    ("239.50", "The new piece costs less: we will refund you the difference of 0.50 USD."),
]


@pytest.mark.parametrize(("wanted", "words"), PRICE_WORDS)
def test_customer_message_says_who_pays_the_price_difference(
    wanted: str | None, words: str
) -> None:
    """§5 "price differences (if any)" in the customer's words: who pays, or nothing to settle."""
    case = exchange()
    price = case.item.item.price
    assert price is not None
    d = POLICY.exchange(replace(case, wanted_price=usd(wanted) if wanted else price))
    assert d.outcome is APPROVED
    text = customer_message(d)
    assert words in text
    others = [w for _, w in PRICE_WORDS if w != words]
    assert not any(w in text for w in others)
