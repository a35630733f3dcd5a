"""Messages in the customer's language (issue 15): typed values, one formatter per message.

Templates receive dates and :class:`Money`, not text; a :class:`Formatter` writes them,
by default as the decision does (pinned by the golden messages), with a locale as Babel
writes them (the ``i18n`` extra). The golden messages in two locales are in
``tests/snapshots/locales`` (tests/test_snapshots.py).
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from atlier_policy import InputError, Money, evaluate
from atlier_policy.advice import Blocker, FixKind, Suggestion
from atlier_policy.messages import (
    DEFAULT_TEMPLATES,
    Formatter,
    Templates,
    _typed_fact,
    advice_message,
    customer_message,
    reason_message,
)
from atlier_policy.qualify import how_to_qualify
from atlier_policy.terms import PolicyTerms
from builders import at, inspection, item, return_item, return_request

NBSP, NNBSP = "\u00a0", "\u202f"  # Babel separates with no-break spaces


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


# --- the formatter ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "day", "amounts"),
    [
        (
            None,
            "2025-03-10",
            ["240.00 USD", "2,400 JPY", "24.000 BHD", "1.250 IQD", "-5.00 USD", "0 JPY"],
        ),
        ("en_US", "March 10, 2025", ["$240.00", "¥2,400", "BHD24.000", "IQD1.250", "-$5.00", "¥0"]),
        (
            "fr_FR",
            "10 mars 2025",
            [
                f"240,00{NBSP}$US",
                f"2{NNBSP}400{NBSP}JPY",
                f"24,000{NBSP}BHD",
                f"1,250{NBSP}IQD",
                f"-5,00{NBSP}$US",
                f"0{NBSP}JPY",
            ],
        ),
    ],
)
def test_dates_and_amounts_per_locale(locale: str | None, day: str, amounts: list[str]) -> None:
    """The currency's own ISO 4217 decimals: none for JPY, two for USD, three for BHD and
    IQD (Babel's CLDR data gives IQD none, and would round 1.250 to 1)."""
    f = Formatter(locale)
    assert f.format_date(date(2025, 3, 10)) == day
    given = [
        Money(Decimal("240"), "USD"),
        Money(Decimal("2400"), "JPY"),
        Money(Decimal("24"), "BHD"),
        Money(Decimal("1.25"), "IQD"),
        usd("-5"),
        Money.zero("JPY"),
    ]
    assert [f.format_money(m) for m in given] == amounts


def test_formatting_leaves_babels_own_patterns_alone() -> None:
    """The currency's decimals go into a copy of the locale's pattern: Babel's shared
    locale data is not changed (no global state), whatever was formatted before."""
    from babel.numbers import format_currency

    f = Formatter("fr_FR")
    assert f.format_money(Money(Decimal("2400"), "JPY")) == f"2{NNBSP}400{NBSP}JPY"
    assert f.format_money(Money(Decimal("24"), "BHD")) == f"24,000{NBSP}BHD"
    for locale in ("fr_FR", f._babel):  # the pattern's own decimals, two
        shown = format_currency(Decimal("1.5"), "EUR", locale=locale, currency_digits=False)
        assert shown == f"1,50{NBSP}€"


def test_formatter_of() -> None:
    """A locale name, a formatter (used as it is) or ``None`` (the default)."""
    fr = Formatter("fr_FR")
    assert Formatter.of(fr) is fr
    assert Formatter.of("fr_FR") == fr
    assert Formatter.of(None) == Formatter()
    assert Formatter("fr-FR").format_date(date(2025, 3, 10)) == "10 mars 2025"
    assert repr(fr) == "Formatter(locale='fr_FR')"


@pytest.mark.parametrize("locale", ["xx_YY", "not a locale", "", 42])
def test_unknown_locale_is_an_input_error(locale: Any) -> None:
    with pytest.raises(InputError, match=r"^messages: `locale` must be .*\(got "):
        Formatter(locale)
    with pytest.raises(InputError, match="`locale`"):
        customer_message(evaluate(inspection()), locale=locale)


def test_locale_without_babel_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Babel, asking for a locale names ``locale`` and the extra to install; the
    default formatting needs nothing."""
    monkeypatch.setitem(sys.modules, "babel", None)  # import babel raises ImportError
    message = (
        "messages: `locale` must be usable once Babel is installed "
        "(pip install 'atlier-policy[i18n]') (got 'fr_FR')"
    )
    with pytest.raises(InputError) as err:
        customer_message(evaluate(inspection()), locale="fr_FR")
    assert str(err.value) == message
    assert "240.00 USD" in customer_message(evaluate(inspection()))


def test_babel_is_imported_only_when_a_locale_is_asked_for() -> None:
    code = (
        "import sys\n"
        "from atlier_policy import evaluate\n"
        "from atlier_policy.messages import customer_message, Formatter\n"
        "from atlier_policy.codec import case_from_dict\n"
        "d = evaluate({'stage': 'lost_parcel', 'order_id': 'A-7', 'status': 'in_transit',"
        " 'shipped_at': '2025-03-06T12:00:00-05:00'})\n"
        "customer_message(d)\n"
        "before = 'babel' in sys.modules\n"
        "Formatter('fr_FR')\n"
        "print(before, 'babel' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out == "False True\n"


# --- messages with a locale ------------------------------------------------------------


def test_the_same_email_in_two_locales() -> None:
    """The issue's example: "March 10, 2025" and "$240.00" in en_US, "10 mars 2025" and
    "240,00 $US" in fr_FR; the sentences stay those of the template set."""
    late = evaluate(return_request(at("2025-03-12")))
    en = customer_message(late, locale="en_US")
    fr = customer_message(late, locale="fr_FR")
    assert "delivered on March 3, 2025, so the last day was March 10, 2025" in en
    assert "reached us on March 12, 2025" in en
    assert "delivered on 3 mars 2025, so the last day was 10 mars 2025" in fr
    assert fr.startswith("Dear customer,")  # a locale does not translate the sentences
    refund = evaluate(inspection(inspected_at=at("2025-11-21")))
    assert "refunded $240.00 in full" in customer_message(refund, locale="en_US")
    text = customer_message(refund, locale=Formatter("fr_FR"))
    assert f"refunded 240,00{NBSP}$US in full" in text
    assert "between 3 décembre 2025 and 8 décembre 2025" in text


def test_default_formatting_is_todays() -> None:
    """Without a locale, dates and amounts read exactly as before (ISO, ``240.00 USD``)."""
    refund = evaluate(inspection(inspected_at=at("2025-11-21")))
    text = customer_message(refund)
    assert "between 2025-12-03 and 2025-12-08" in text
    assert "refunded 240.00 USD in full" in text
    assert customer_message(refund, DEFAULT_TEMPLATES, locale=None) == text


def test_reason_message_in_a_locale() -> None:
    (d,) = evaluate(return_request(at("2025-03-12"))).items  # type: ignore[union-attr]
    text = reason_message(d, 0, locale="fr_FR")
    assert "livré" not in text
    assert "delivered on 3 mars 2025" in text


def test_a_french_template_set_with_french_dates() -> None:
    """Translated sentences come from a template set; the locale writes its values."""
    french = DEFAULT_TEMPLATES.with_overrides(
        {
            "greeting": "Chère cliente, cher client,",
            "reason.return_window_expired.failed": "Livré le {delivered}, dernier jour le "
            "{last_day_to_request}, demande reçue le {requested}.",
            "notice.no_shipping_deducted": "Vous serez remboursé de {refund_amount}.",
        },
        language="fr",
    )
    text = customer_message(evaluate(return_request(at("2025-03-12"))), french, locale="fr_FR")
    assert text.startswith("Chère cliente, cher client,")
    assert "Livré le 3 mars 2025, dernier jour le 10 mars 2025, demande reçue le 12 mars 2025." in (
        text
    )
    refund = customer_message(evaluate(inspection()), french, locale="fr_FR")
    assert f"Vous serez remboursé de 240,00{NBSP}$US." in refund


def test_a_format_spec_writes_the_value_itself() -> None:
    """A field with a format spec is formatted by it (a date's strftime), not the locale;
    a spec its value does not take is an InputError naming the key."""
    mine = DEFAULT_TEMPLATES.with_overrides(
        {"notice.refund_window": "Between {refund_earliest:%d/%m} and {refund_latest}."}
    )
    text = customer_message(evaluate(inspection(inspected_at=at("2025-11-21"))), mine)
    assert "Between 03/12 and 2025-12-08." in text
    bad = DEFAULT_TEMPLATES.with_overrides({"notice.no_shipping_deducted": "{refund_amount:>9}"})
    with pytest.raises(
        InputError,
        match=r"^templates: `notice.no_shipping_deducted` must be format specs its values take",
    ):
        customer_message(evaluate(inspection()), bad)


# --- facts read back typed -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("2025-03-10", date(2025, 3, 10)),
        ("240.00 USD", usd("240.00")),
        ("2,400 JPY", Money(Decimal("2400"), "JPY")),
        ("-5.00 USD", usd("-5.00")),
        ("24.000 BHD", Money(Decimal("24"), "BHD")),
        ("2025-02-30", None),  # no such day
        ("2025-3-10", None),
        ("2025-03-10T12:00:00", None),
        ("240.001 USD", None),  # more decimals than USD has
        ("240 USD", None),  # not as Money writes it: read back, it would change
        ("2400 JPY", None),
        ("1,2,3 USD", None),
        ("12.00 ZZZ", None),  # no such currency
        ("240.00 usd", None),
        ("clearance", None),
        ("١٢٣٤-٠٣-١٠", None),  # digits of another script
    ],
)
def test_facts_read_back_typed_only_when_exact(text: str, typed: object) -> None:
    """A reason's fact is text; a date or an amount is read back typed only when it
    writes back exactly, so the default wording never changes."""
    assert _typed_fact(text) == typed


# --- how to qualify through the templates ----------------------------------------------


def _advice(case: Any) -> list[Suggestion | Blocker]:
    return [a for q in how_to_qualify(case) for a in (*q.suggestions, *q.blockers)]


def test_advice_defaults_to_the_clauses_words() -> None:
    late = return_request(at("2025-03-12"), items=(return_item(item=item(engraved=True)),))
    advice = _advice(late)
    assert {type(a) for a in advice} == {Suggestion, Blocker}
    assert [advice_message(a) for a in advice] == [a.message for a in advice]


def test_advice_through_a_template_set_in_a_locale() -> None:
    """A set words each code (by kind, then by code, then ``suggestion.other``); the
    deadline is a date the locale writes."""
    late = return_request(at("2025-03-12"), items=(return_item(item=item(engraved=True)),))
    suggestion, blocker = _advice(late)
    assert isinstance(suggestion, Suggestion)
    assert suggestion.deadline == date(2025, 3, 10)
    french = Templates.of(
        "fr",
        {
            **dict(DEFAULT_TEMPLATES.entries),
            "suggestion.return_window_expired.would_have": "une demande au plus tard le "
            "{deadline} aurait été dans les délais",
            "blocker.engraved": "une pièce gravée ne peut être retournée ({section}, {code})",
        },
    )
    assert advice_message(suggestion, french, locale="fr_FR") == (
        "une demande au plus tard le 10 mars 2025 aurait été dans les délais"
    )
    assert advice_message(suggestion, french) == (
        "une demande au plus tard le 2025-03-10 aurait été dans les délais"
    )
    assert (
        advice_message(blocker, french) == "une pièce gravée ne peut être retournée (2, engraved)"
    )
    by_code = Templates.of(
        "en",
        {
            **dict(DEFAULT_TEMPLATES.entries),
            "suggestion.return_window_expired": "{kind} by {deadline} ({clause_id}); {support_email}",
        },
    )
    terms = PolicyTerms(support_email="help@example.com")
    assert advice_message(suggestion, by_code, terms=terms, locale="en_US") == (
        "would_have by March 10, 2025 (s1.return_window); help@example.com"
    )
    other = DEFAULT_TEMPLATES.with_overrides(
        {"suggestion.other": "[{deadline}] {message}", "blocker.other": "[{kind}{deadline}]"}
    )
    assert advice_message(blocker, other) == "[to be confirmed]"


def test_advice_without_a_deadline_reads_unknown() -> None:
    s = Suggestion(
        code="x", clause_id="x.y", section="x", kind=FixKind.RECORD, message="m", changes=()
    )
    t = DEFAULT_TEMPLATES.with_overrides({"suggestion.other": "{message} by {deadline}"})
    assert advice_message(s, t) == "m by to be confirmed"


def test_advice_bad_arguments_are_input_errors() -> None:
    (s, _) = _advice(
        return_request(at("2025-03-12"), items=(return_item(item=item(engraved=True)),))
    )
    with pytest.raises(InputError, match="`advice`"):
        advice_message("photos")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="`terms`"):
        advice_message(s, terms="x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="`templates`"):
        advice_message(s, "fr")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="`locale`"):
        advice_message(s, locale="xx_YY")


# --- help(customer_message) ------------------------------------------------------------


@pytest.mark.parametrize("function", [customer_message, reason_message, advice_message])
def test_signature_stays_readable(function: Any) -> None:
    """``help()`` shows the signature: every default is ``None`` (the default set is no
    longer printed, 14.6 KB), so it is the annotations alone, a few lines."""
    signature = inspect.signature(function)
    assert all(p.default in (None, inspect.Parameter.empty) for p in signature.parameters.values())
    assert len(str(signature)) < 300
    assert "Templates(" not in str(signature)
    assert repr(DEFAULT_TEMPLATES) == "Templates('en', 123 templates)"
    assert signature.parameters["locale"].kind is inspect.Parameter.KEYWORD_ONLY
