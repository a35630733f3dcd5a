"""Customer messages from overridable templates, and the support-agent view.

The default wording is pinned, one golden text file per example in ``examples/``;
a deliberate change of wording updates them with

    ATLIER_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_messages.py
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given

from atlier_policy import InputError, OrderDecision, default_policy, evaluate
from atlier_policy.cases import ParcelStatus, SaleEvent
from atlier_policy.codec import case_from_dict
from atlier_policy.messages import (
    _FACTS,
    DEFAULT_TEMPLATES,
    REQUIRED_KEYS,
    Templates,
    agent_view,
    customer_message,
    reason_message,
)
from atlier_policy.rules import Check, Clause, Finding
from atlier_policy.terms import PolicyTerms
from atlier_policy.versions import default_versions
from builders import (
    at,
    condition,
    defect_claim,
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
    doc = json.loads(path.read_text(encoding="utf-8"))
    d = evaluate(doc)
    text = customer_message(d, case=case_from_dict(doc)) + "\n--- support agent view ---\n"
    text += agent_view(d)
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


def test_granted_outcome_where_the_customer_acts_closes_with_contact() -> None:
    """§6 "For return or refund inquiries": an eligible return, an accepted defect claim and
    an approved exchange still ask the customer to ship the piece: the contact closes them.
    A refund already approved asks nothing more: no contact line."""
    text = customer_message(evaluate(return_request()))
    assert "Good news" in text
    assert f"{EMAIL} or {PHONE}" in text
    assert "insured, trackable" in text  # §4 advice where the customer ships
    assert PHONE in customer_message(evaluate(defect_claim()))
    assert PHONE in customer_message(evaluate(exchange()))
    assert PHONE not in customer_message(evaluate(inspection()))


def test_decision_email_worded_for_the_stage() -> None:
    """§4's e-mail confirms "approval or rejection of your refund" for a return; a defect
    claim ends in a repair, replacement, partial refund or store credit (§3), an exchange
    in an exchange (§5)."""
    ret = customer_message(evaluate(return_request()))
    claim = customer_message(evaluate(defect_claim()))
    swap = customer_message(evaluate(exchange()))
    assert "approval or rejection of your refund" in ret
    assert "of your refund" not in claim
    assert "free repair or replacement" in claim.split("Once we have received")[1]
    assert "approval or rejection of your exchange" in swap
    assert "of your refund" not in swap


def test_partial_refund_or_store_credit_does_not_promise_a_refund() -> None:
    """§3 "Partial refund or store credit": the refund window applies if the customer
    chooses a partial refund, not unconditionally."""
    d = evaluate(defect_inspection(repair_possible=False, replacement_possible=False))
    text = customer_message(d)
    assert "Your refund will be made" not in text
    assert "We will offer you either a partial refund, processed to your original payment" in text
    assert "or store credit: credit with us" in text


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
    """§4 only recommends insured shipping and disclaims lost packages: no promise that the
    customer can claim the value from the carrier."""
    insured = customer_message(evaluate(parcel(insured=True)))
    assert "claim its value" not in insured
    assert "between you and the carrier" in insured
    assert "For future returns" in customer_message(evaluate(parcel(insured=False)))
    assert "still on its way" in customer_message(evaluate(parcel(status=ParcelStatus.IN_TRANSIT)))


def test_inspection_unknown_condition_is_the_teams_to_record() -> None:
    d = evaluate(inspection(condition=condition(tags_included=None)))
    assert "quality team is completing its check" in customer_message(d)


def test_sale_item_names_the_event_and_the_defect_route() -> None:
    """§2 "(unless defective)" and §3's 3 days: asked on 2025-03-05, the customer may still
    report a defect by 2025-03-06; asked on 2025-03-08, the period has ended (interpretation
    9) and nothing asks for photos by a past day. Without the case, the rule is stated."""
    line = return_item(item=item(sale_event=SaleEvent.CLEARANCE))
    open_case = return_request(items=(line,))
    text = customer_message(evaluate(open_case), case=open_case)
    assert "bought in a clearance event" in text
    assert f"e-mail {EMAIL} with clear photos by 2025-03-06" in text
    late_case = return_request(at("2025-03-08"), items=(line,))
    late = customer_message(evaluate(late_case), case=late_case)
    assert "the period to report a defect ended on 2025-03-06" in late
    assert "please e-mail" not in late
    neutral = customer_message(evaluate(late_case))
    assert "please e-mail" not in neutral
    assert "within 3 days of delivery (by 2025-03-06)" in neutral
    doc_late = reason_message(evaluate(late_case).items[0], 0, case=late_case)  # type: ignore[union-attr]
    assert "ended on 2025-03-06" in doc_late


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

FRENCH_PART = MappingProxyType(
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
    }
)
FRENCH = Templates.of("fr", {**dict(DEFAULT_TEMPLATES.entries), **FRENCH_PART})  # rest English


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


def test_incomplete_set_is_refused_when_built() -> None:
    """A new set lacking templates is refused by ``Templates.of``, naming every key it
    lacks; not by the message that first needs one."""
    with pytest.raises(InputError) as err:
        Templates.of("fr", FRENCH_PART)
    assert str(err.value).startswith("templates (fr): `blocker.other` must be a template of")
    assert "and 95 more problems" in str(err.value)
    missing = {name for name, _, _ in err.value.problems}
    assert missing == REQUIRED_KEYS - set(FRENCH_PART)
    assert "outcome.return_request.eligible_pending_inspection" in missing
    assert {k for k, expected, given in err.value.problems if given != "none"} == set()


def test_required_keys_are_the_default_keys() -> None:
    """Every key of the default set is required; a set may add keys of its own."""
    assert set(DEFAULT_TEMPLATES.keys()) == REQUIRED_KEYS
    assert {"greeting", "value.unknown", "suggestion.other", "blocker.other"} <= REQUIRED_KEYS
    extra = {"value.sale_event.clearance": "déstockage", "reason.gift_card.failed": "Non."}
    complete = Templates.of("fr", {**{k: DEFAULT_TEMPLATES[k] for k in REQUIRED_KEYS}, **extra})
    assert set(complete.keys()) == REQUIRED_KEYS | set(extra)
    one_less = {k: DEFAULT_TEMPLATES[k] for k in REQUIRED_KEYS - {"signature"}}
    with pytest.raises(
        InputError,
        match=r"^templates \(de\): `signature` must be a template of the set \(got none\)$",
    ):
        Templates.of("de", one_less)


@pytest.mark.parametrize(
    ("key", "template", "field"),
    [
        ("greeting", "Hello {sku}!", "sku"),  # the greeting is given no item
        ("signature", "{support_email} {sku}", "sku"),
        ("contact", "Write to {order}", "order"),
        ("order.header", "{order_id}: {delivered}", "delivered"),
        ("outcome.return_request.not_eligible", "No for {customer_name}", "customer_name"),
        ("outcome.return_request.not_eligible", "{message}", "message"),  # reasons' only
        ("notice.refund_window", "From {refund_early}", "refund_early"),
        ("suggestion.other", "{message} ({order_id})", "order_id"),
        ("blocker.other", "{reason}", "reason"),
    ],
)
def test_a_field_the_renderer_never_gives_is_refused_when_built(
    key: str, template: str, field: str
) -> None:
    """A placeholder no message fills fails when the set is built, naming the key and
    the field, not when a customer's message first needs it."""
    with pytest.raises(
        InputError,
        match=rf"^templates: `{re.escape(key)}` must be fields among \[.*\] \(got '\{{{field}\}}'\)$",
    ):
        DEFAULT_TEMPLATES.with_overrides({key: template})


def test_fields_the_renderer_gives_are_accepted() -> None:
    """Each family of keys takes the fields its messages are given; a store's own key (a
    clause of its own) may name its own facts."""
    ok = DEFAULT_TEMPLATES.with_overrides(
        {
            "greeting": "Hello {order_id}, {support_email} {support_phone}",
            "outcome.return_request.not_eligible": "{sku} {delivered} {refund_latest} {return_window_days}",
            "reason.other": "{message} {wanted_sku}",
            "suggestion.other": "{message} {deadline} {code} {clause_id} {section} {kind} {support_email}",
        }
    )
    assert ok["reason.other"] == "{message} {wanted_sku}"
    own = Templates.of("en", {**dict(ok.entries), "reason.gift_card.failed": "{card}"})
    assert own["reason.gift_card.failed"] == "{card}"


def test_override_one_template() -> None:
    """A store rewords one message; the default set is unchanged (values, not state)."""
    mine = DEFAULT_TEMPLATES.with_overrides({"greeting": "Hello {order_id}!"}, language="en-GB")
    assert customer_message(evaluate(return_request()), mine).startswith("Hello A-1001!")
    with pytest.raises(InputError, match=r"greeting.*fields among.*\{customer_name\}"):
        DEFAULT_TEMPLATES.with_overrides({"greeting": "Hello {customer_name}!"})
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
        (lambda: DEFAULT_TEMPLATES.with_overrides({"greeting": "{order_id!r}"}), "conversion"),
        (lambda: DEFAULT_TEMPLATES.with_overrides({"greeting": "{order_id!a}"}), "conversion"),
        (
            lambda: DEFAULT_TEMPLATES.with_overrides({"greeting": "{order_id:>{order_id}}"}),
            r"without fields",
        ),
        (
            lambda: DEFAULT_TEMPLATES.with_overrides({"greeting": "{order_id:>101}"}),
            r"numbers up to 100 \(got '\{order_id:>101\}'\)",
        ),
        (
            lambda: DEFAULT_TEMPLATES.with_overrides({"greeting": "{order_id:.999999999}"}),
            "numbers up to 100",
        ),
        (  # mathematical bold digits: the format-spec parser reads them as 99999999
            lambda: DEFAULT_TEMPLATES.with_overrides({"greeting": "{order_id:𝟗𝟗𝟗𝟗𝟗𝟗𝟗𝟗}"}),
            "numbers up to 100",
        ),
        (  # Arabic-Indic digits: 10,000,000
            lambda: DEFAULT_TEMPLATES.with_overrides({"greeting": "{order_id:>١٠٠٠٠٠٠٠}"}),
            "numbers up to 100",
        ),
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


def test_a_plain_spec_with_a_small_width_is_kept() -> None:
    """A store may pad or align (a width up to 100): the message uses it."""
    padded = DEFAULT_TEMPLATES.with_overrides({"greeting": "Order {order_id:>100}"})
    assert customer_message(evaluate(return_request()), padded).startswith(
        "Order " + "A-1001".rjust(100)
    )


def test_templates_are_immutable() -> None:
    with pytest.raises(AttributeError):
        DEFAULT_TEMPLATES.language = "de"  # type: ignore[misc]


def test_every_reason_of_the_golden_corpus_has_its_own_template() -> None:
    """No reason of the 52 golden decisions falls back to ``reason.other``, and each of
    their facts is one the templates may name."""
    from atlier_policy.messages import _reason_key

    corpus = sorted((ROOT / "snapshots").glob("*.json"))
    for path in corpus:
        result = evaluate(json.loads(path.read_text(encoding="utf-8"))["case"])
        for d in result.items if isinstance(result, OrderDecision) else (result,):
            for r in d.reasons:
                assert {n for n, _ in r.facts if n.isidentifier()} <= _FACTS, path.stem
                if r.finding is not Finding.PASSED:
                    key = _reason_key(d.stage, r.code, r.finding, r.missing, DEFAULT_TEMPLATES)
                    assert key != "reason.other", (path.stem, r.code)


# --- agent view --------------------------------------------------------------------------


def test_agent_view_shows_clauses_sentences_and_trace() -> None:
    """Outcomes and findings in words, marked; codes, clause ids and facts as recorded."""
    text = agent_view(evaluate(return_request(at("2025-03-12"))))
    assert "return request (order A-1001, item RING-7): not eligible [policy" in text
    assert "  ✗ failed         [§1 s1.return_window]" in text
    assert "[§1 s1.return_window] return_window_expired" in text
    assert "“The item must be returned within 7 days of delivery.”" in text
    assert "facts: delivered=2025-03-03, last_day_to_request=2025-03-10" in text
    assert "trace:\n  all of: failed" in text
    assert "    s1.website_purchase: passed — bought on the website" in text
    missing = agent_view(evaluate(return_request(proof_of_purchase=None)))
    assert "missing: proof_of_purchase" in missing
    # One line per entry, whatever the order id holds (escaped, as str(decision)).
    hostile = agent_view(evaluate(return_request(order_id="A-1\x1b[2J\u2028\u202e")))
    assert "order A-1\\x1b[2J\\u2028\\u202e" in hostile
    assert not any(c in hostile for c in "\x1b\u2028\u202e")


@given(any_complete_case)
def test_every_decision_renders(case: Any) -> None:
    """Any decision renders in full (no unfilled field); the §6 contact closes exactly the
    messages of decisions that grant nothing."""
    result = evaluate(case)
    text = customer_message(result)
    assert "{" not in text
    items = result.items if isinstance(result, OrderDecision) else (result,)
    acts = {
        "eligible_pending_inspection",
        "accepted_pending_inspection",
        "approved_pending_inspection",
        "partial_refund_or_store_credit",
    }
    assert (PHONE in text) == any(not d.granted or d.outcome.value in acts for d in items)
    # Every fact a decision gives is one a template of the library's keys may name.
    named = {name for d in items for r in d.reasons for name, _ in r.facts}
    assert {name for name in named if name.isidentifier()} <= _FACTS
    assert agent_view(result).count("trace:") == len(items)


# --- the version the decision names ----------------------------------------------------

LATER = default_policy(
    version="2026-01-01",
    effective_date=date(2026, 1, 1),
    return_window_days=14,
    support_email="care@example.com",
)
VERSIONS = default_versions().with_version(LATER)


def test_messages_use_the_terms_of_the_decisions_version() -> None:
    """A 14-day version from 2026-01-01: its decisions read "within 14 days" and its
    contact; an order bought before it keeps the text's 7 days."""
    bought = item(purchased_at=at("2026-01-02"), delivered_at=at("2026-01-05"))
    late = return_request(at("2026-01-21"), items=(return_item(item=bought),))
    d = VERSIONS.evaluate(late)
    text = customer_message(d, policy=VERSIONS)
    assert "within 14 days of delivery" in text
    assert "so the last day was 2026-01-19" in text
    assert "care@example.com" in text
    assert "within 14 days" in customer_message(d, policy=LATER)
    old = customer_message(VERSIONS.evaluate(return_request(at("2025-03-12"))), policy=VERSIONS)
    assert "within 7 days of delivery" in old
    with pytest.raises(InputError, match="policy_version"):
        customer_message(d)  # the text's registry does not know 2026-01-01: fail closed
    with pytest.raises(InputError, match="terms"):
        customer_message(d, terms=PolicyTerms(), policy=VERSIONS)


def test_version_reasons_have_their_templates() -> None:
    """An unknown purchase date across disagreeing versions asks for the order
    confirmation; a purchase before the first version is explained."""
    unknown = return_request(
        at("2026-01-15"),
        items=(return_item(item=item(purchased_at=None, delivered_at=at("2026-01-05"))),),
    )
    text = customer_message(VERSIONS.evaluate(unknown), policy=VERSIONS)
    assert "Please send us your order confirmation or invoice" in text
    early = return_request(items=(return_item(item=item(purchased_at=at("2024-12-01"))),))
    text = customer_message(VERSIONS.evaluate(early), policy=VERSIONS)
    assert "bought before the terms we can apply here took effect" in text


def _emitted_codes() -> set[str]:
    """Every reason code the library can emit: each clause's code, each code a check
    gives instead (``code="..."`` in the clauses), and the version registry's."""
    import re

    from atlier_policy import clauses

    codes = {c.code for c in default_policy().clauses()}
    for path in Path(clauses.__file__).parent.glob("*.py"):
        codes |= set(re.findall(r'code="(\w+)"', path.read_text(encoding="utf-8")))
    return codes | {"policy_version_unknown", "no_policy_version_in_force"}


# Codes rendered by a documented fallback instead of a template of their own: a clause
# whose failure always carries a code of its own, and whose unknown finding lacks the
# delivery date (``reason.delivered_at.unknown``).
FALLBACKS = {
    "return_window": "unknown only without the delivery date; fails as return_window_expired",
    "defect_notice": "unknown only without the delivery date; fails as defect_notice_late",
    "exchange_contact": "passes, or fails as exchange_without_prior_contact",
    "inspection": "always passes (the inspection took place)",
    "partial_refund_or_credit": "fails only when repair or replacement is possible: the "
    "outcome repair_or_replace grants, and a granted decision's reasons are not rendered",
}


def test_every_reason_code_has_a_template_or_a_documented_fallback() -> None:
    keys = set(DEFAULT_TEMPLATES.keys())
    codes = _emitted_codes()
    assert {"return_window_expired", "exchange_unavailable", "sale_item"} <= codes
    for code in sorted(codes):
        own = any(k.startswith(f"reason.{code}.") for k in keys)
        assert own or code in FALLBACKS, code
    assert set(FALLBACKS) <= codes


def test_bad_arguments_are_input_errors() -> None:
    for call in (
        lambda: customer_message(42),  # type: ignore[arg-type]
        lambda: agent_view(42),  # type: ignore[arg-type]
        lambda: reason_message(42, 0),  # type: ignore[arg-type]
        lambda: reason_message(evaluate(return_request()), 0),  # type: ignore[arg-type]
        lambda: Templates.of("en", None),  # type: ignore[arg-type]
        lambda: DEFAULT_TEMPLATES.with_overrides(None),  # type: ignore[arg-type]
        lambda: customer_message(evaluate(return_request()), "fr"),  # type: ignore[arg-type]
        lambda: customer_message(evaluate(return_request()), terms="x"),  # type: ignore[arg-type]
        lambda: customer_message(evaluate(return_request()), policy="x"),  # type: ignore[arg-type]
        lambda: customer_message(evaluate(return_request()), case=42),  # type: ignore[arg-type]
    ):
        with pytest.raises(InputError):
            call()


def test_default_wording_is_read_only() -> None:
    from atlier_policy import messages

    with pytest.raises(TypeError):
        messages._EN["greeting"] = "Yo"  # type: ignore[index]


def test_render_errors_name_the_key() -> None:
    """What the build cannot check fails at render, naming the key: a key the set lacks,
    and a field of a store's own template that its decision does not give."""
    with pytest.raises(
        InputError, match=r"^templates \(en\): `nope` must be a template in the set"
    ):
        DEFAULT_TEMPLATES.render("nope", {})
    gift = Clause(
        "x.gift", "x", "Gift cards are final.", "gift_card", lambda c: Check.failed("final")
    )
    own = Templates.of(
        "en", {**dict(DEFAULT_TEMPLATES.entries), "reason.gift_card.failed": "Card {card}."}
    )
    policy = default_policy().with_rule("return_rule", gift)
    with pytest.raises(
        InputError,
        match=r"^templates: `reason.gift_card.failed` must be fields among .* \(got '\{card\}'\)$",
    ):
        customer_message(policy.evaluate(return_request()), own, policy=policy)
    fine = own.with_overrides({"reason.gift_card.failed": "Card: {message}."})
    assert "- Card: final." in customer_message(
        policy.evaluate(return_request()), fine, policy=policy
    )
