"""Customer messages from overridable templates, and the support-agent view.

The default wording is pinned, one golden text file per example in ``examples/``;
a deliberate change of wording updates them with

    ATLIER_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_messages.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from atlier_policy import (
    Check,
    Clause,
    Finding,
    InputError,
    OrderDecision,
    ParcelStatus,
    SaleEvent,
    default_policy,
    evaluate,
)
from atlier_policy.messages import (
    DEFAULT_TEMPLATES,
    Templates,
    agent_view,
    customer_message,
    reason_message,
)
from atlier_policy.terms import PolicyTerms
from builders import (
    at,
    condition,
    defect_inspection,
    exchange,
    inspection,
    item,
    parcel,
    return_item,
    return_request,
    usd,
)
from strategies import any_complete_case

ROOT = Path(__file__).parent
EXAMPLES = sorted((ROOT.parent / "examples").glob("*.json"))
GOLDEN = ROOT / "snapshots" / "messages"
UPDATE = os.environ.get("ATLIER_UPDATE_SNAPSHOTS") == "1"
EMAIL, PHONE = "support@atlierjewelry.com", "+00 012 345 6789"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_golden_wording(path: Path) -> None:
    """The customer message and the agent view of each example equal their golden text."""
    d = evaluate(json.loads(path.read_text(encoding="utf-8")))
    text = customer_message(d) + "\n--- support agent view ---\n" + agent_view(d)
    golden = GOLDEN / f"{path.stem}.txt"
    if UPDATE and (not golden.exists() or golden.read_text(encoding="utf-8") != text):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_one_golden_file_per_example() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == [p.stem for p in EXAMPLES]


# --- what the messages say -------------------------------------------------------------


def test_late_return_real_dates_and_contact() -> None:
    """§1 late: the delivery date, the last day and the request date; §6 contact to close."""
    text = customer_message(evaluate(return_request(at("2025-03-12"))))
    assert "within 7 days of delivery" in text
    assert "delivered on 2025-03-03, so the last day was 2025-03-10" in text
    assert "reached us on 2025-03-12" in text
    assert f"{EMAIL} or {PHONE}" in text


def test_granted_has_no_contact_line() -> None:
    text = customer_message(evaluate(return_request()))
    assert "Good news" in text
    assert PHONE not in text
    assert "insured, trackable" in text  # §4 advice where the customer ships


def test_refund_amount_and_window() -> None:
    """§4 refund: the amount, to the original payment method, the 7th to 10th business day."""
    text = customer_message(evaluate(inspection(inspected_at=at("2025-11-21"))))
    assert "between 2025-12-03 and 2025-12-08" in text
    assert "refunded 240.00 USD in full" in text
    assert "e-mail you to confirm" not in text  # at inspection this message is that e-mail


def test_store_bears_shipping_and_reimburses() -> None:
    d = evaluate(defect_inspection(return_shipping_cost=usd("14.90")))
    text = customer_message(d)
    assert "We cover the return shipping" in text
    assert "return shipping cost of 14.90 USD" in text


def test_price_difference_variants() -> None:
    same = customer_message(evaluate(exchange(wanted_price=usd("240.00"))))
    more = customer_message(evaluate(exchange(wanted_price=usd("300.00"))))
    assert "no difference to settle" in same
    assert "difference of 60.00 USD is payable by you" in more


def test_lost_parcel_insurance_advice() -> None:
    assert "claim its value from the carrier" in customer_message(evaluate(parcel(insured=True)))
    assert "For future returns" in customer_message(evaluate(parcel(insured=False)))
    assert "still on its way" in customer_message(evaluate(parcel(status=ParcelStatus.IN_TRANSIT)))


def test_inspection_unknown_condition_is_the_teams_to_record() -> None:
    d = evaluate(inspection(condition=condition(tags_included=None)))
    assert "quality team is completing its check" in customer_message(d)


def test_sale_item_names_the_event_and_the_defect_route() -> None:
    line = return_item(item=item(sale_event=SaleEvent.CLEARANCE))
    text = customer_message(evaluate(return_request(items=(line,))))
    assert "bought in a clearance event" in text
    assert f"e-mail {EMAIL} with clear photos by 2025-03-06" in text


def test_support_email_from_the_terms() -> None:
    terms = PolicyTerms(support_email="help@example.com")
    d = default_policy(support_email="help@example.com").evaluate(
        return_request(proof_of_purchase=None)
    )
    text = customer_message(d, terms=terms)
    assert "help@example.com" in text
    assert EMAIL not in text


def test_several_items_one_message() -> None:
    lines = (return_item(), return_item(item=item(sku="NECK-2", engraved=True)))
    d = evaluate(return_request(items=lines))
    assert isinstance(d, OrderDecision)
    text = customer_message(d)
    assert "Here is our answer for each piece." in text
    assert "RING-7:\nGood news" in text
    assert "NECK-2:\nWe are sorry" in text
    assert text.count(PHONE) == 1


def test_reason_message_one_reason() -> None:
    (d,) = evaluate(return_request(at("2025-03-12"))).items  # type: ignore[union-attr]
    index = next(i for i, r in enumerate(d.reasons) if r.finding is Finding.FAILED)
    assert reason_message(d, index).startswith("Returns must be requested within 7 days")


def test_store_clause_falls_back_to_its_message() -> None:
    """A clause of the store's own has no template: ``reason.other`` shows its message."""
    gift = Clause(
        "x.gift",
        "x",
        "Gift cards are final.",
        "gift_card",
        lambda c: Check.failed("gift cards are final"),
    )
    d = default_policy().with_rule("return_rule", gift).evaluate(return_request())
    assert "- gift cards are final" in customer_message(d)


# --- templates: override, a second language --------------------------------------------

FRENCH = Templates.of(
    "fr",
    {
        "greeting": "Chère cliente, cher client,",
        "signature": "Bien cordialement,\nL'équipe Atlier Jewelry",
        "contact": "Pour toute question : {support_email} ou {support_phone}.",
        "value.unknown": "à confirmer",
        "value.sale_event.clearance": "déstockage",
        "outcome.return_request.not_eligible": "Nous sommes désolés : nous ne pouvons pas accepter le retour de {sku} (commande {order_id}).",
        "reason.return_window_expired.failed": "Les retours doivent être demandés dans les {return_window_days} jours suivant la livraison : livré le {delivered}, dernier jour le {last_day_to_request}, demande reçue le {requested}.",
        "reason.sale_item.failed": "Article acheté lors d'un {sale_event} : repris seulement s'il est défectueux.",
        "reason.other": "{message}",
    },
)


def test_second_language_is_a_template_set() -> None:
    """A French set renders the same decision with the same dates; no code change."""
    text = customer_message(evaluate(return_request(at("2025-03-12"))), FRENCH)
    assert text.startswith("Chère cliente, cher client,\n\nNous sommes désolés")
    assert "livré le 2025-03-03, dernier jour le 2025-03-10, demande reçue le 2025-03-12" in text
    assert f"Pour toute question : {EMAIL} ou {PHONE}." in text
    line = return_item(item=item(sale_event=SaleEvent.CLEARANCE))
    assert "lors d'un déstockage" in customer_message(
        evaluate(return_request(items=(line,))), FRENCH
    )


def test_incomplete_set_names_the_missing_template() -> None:
    with pytest.raises(InputError, match=r"outcome\.return_request\.eligible_pending_inspection"):
        customer_message(evaluate(return_request()), FRENCH)


def test_override_one_template() -> None:
    """A store rewords one message; the default set is unchanged (values, not state)."""
    mine = DEFAULT_TEMPLATES.with_overrides({"greeting": "Hello {order_id}!"}, language="en-GB")
    assert customer_message(evaluate(return_request()), mine).startswith("Hello A-1001!")
    typo = DEFAULT_TEMPLATES.with_overrides({"greeting": "Hello {customer_name}!"})
    with pytest.raises(InputError, match=r"greeting.*fields among.*\{customer_name\}"):
        customer_message(evaluate(return_request()), typo)
    ok = DEFAULT_TEMPLATES.with_overrides({"signature": "Cheers"})
    assert customer_message(evaluate(return_request()), ok).endswith("Cheers\n")
    assert DEFAULT_TEMPLATES["signature"].startswith("Kind regards")
    assert (mine.language, "greeting" in mine, "nope" in mine) == ("en-GB", True, False)
    assert set(mine.keys()) == set(DEFAULT_TEMPLATES.keys())


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: DEFAULT_TEMPLATES.with_overrides({"greting": "Hi"}), "`greting`"),
        (lambda: DEFAULT_TEMPLATES.with_overrides({"greeting": 3}), "`greeting`"),
        (lambda: DEFAULT_TEMPLATES.with_overrides({"greeting": "Hi {"}), "valid format"),
        (lambda: DEFAULT_TEMPLATES.with_overrides({"greeting": "Hi {0}"}), "named fields"),
        (lambda: Templates("", ()), "`language`"),
        (lambda: Templates("en", [("a", "b")]), "`entries`"),
        (lambda: Templates("en", (("a",),)), "`entries`"),
        (lambda: Templates("en", (("", "b"),)), "`key`"),
    ],
)
def test_bad_templates(build: Any, field: str) -> None:
    """Bad template sets fail when built, naming the key and what was expected."""
    with pytest.raises(InputError, match=field):
        build()


def test_templates_are_immutable() -> None:
    with pytest.raises(AttributeError):
        DEFAULT_TEMPLATES.language = "de"  # type: ignore[misc]


def test_every_reason_of_the_golden_corpus_has_its_own_template() -> None:
    """No reason of the 52 golden decisions falls back to ``reason.other``."""
    from atlier_policy.messages import _reason_key

    corpus = sorted((ROOT / "snapshots").glob("*.json"))
    for path in corpus:
        result = evaluate(json.loads(path.read_text(encoding="utf-8"))["case"])
        for d in result.items if isinstance(result, OrderDecision) else (result,):
            for r in d.reasons:
                if r.finding is not Finding.PASSED:
                    key = _reason_key(d.stage, r.code, r.finding, r.missing, DEFAULT_TEMPLATES)
                    assert key != "reason.other", (path.stem, r.code)


# --- agent view --------------------------------------------------------------------------


def test_agent_view_shows_clauses_sentences_and_trace() -> None:
    text = agent_view(evaluate(return_request(at("2025-03-12"))))
    assert "FAILED" in text
    assert "[§1 s1.return_window] return_window_expired" in text
    assert "“The item must be returned within 7 days of delivery.”" in text
    assert "facts: delivered=2025-03-03, last_day_to_request=2025-03-10" in text
    assert "trace:\n  all of: failed" in text
    assert "    s1.website_purchase: passed — bought on the website" in text
    missing = agent_view(evaluate(return_request(proof_of_purchase=None)))
    assert "missing: proof_of_purchase" in missing


@given(any_complete_case)
def test_every_decision_renders(case: Any) -> None:
    """Any decision renders in full (no unfilled field); the §6 contact closes exactly the
    messages of decisions that grant nothing."""
    result = evaluate(case)
    text = customer_message(result)
    assert "{" not in text
    items = result.items if isinstance(result, OrderDecision) else (result,)
    assert (PHONE in text) == (not all(d.granted for d in items))
    assert agent_view(result).count("trace:") == len(items)
