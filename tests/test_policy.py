"""Policy values: terms, variants, rule-set rewriting, definition errors, dispatch."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from atlier_policy import (
    InputError,
    Policy,
    PolicyDefinitionError,
    PolicyTerms,
    default_policy,
)
from atlier_policy.cases import ItemKind, SalesChannel
from atlier_policy.clauses import eligibility
from atlier_policy.decision import ReturnOutcome
from atlier_policy.rules import AllOf, Check, Clause, Context, Evaluation, Finding, Focus, Rule
from builders import (
    at,
    cancellation,
    defect_claim,
    exchange,
    item,
    parcel,
    return_item,
    return_request,
)


def _passes(ctx: Context[Any]) -> Check:
    return Check.passed("ok")


ALWAYS = Clause("acme.always", "merchant", "Always.", "always", _passes)


@dataclass(frozen=True)
class Weekday(Rule):
    """A merchant's own rule type: requests only on weekdays (not a Clause)."""

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        day = ctx.case.requested_at.weekday()
        finding = Finding.PASSED if day < 5 else Finding.FAILED
        return Evaluation(self, finding)

    def __str__(self) -> str:
        return "weekday"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"return_window_days": -1}, "return_window_days"),
        ({"defect_notice_days": 3.5}, "defect_notice_days"),
        ({"refund_min_business_days": 0}, "refund_min_business_days"),
        ({"refund_max_business_days": 251}, "refund_max_business_days"),
        ({"refund_min_business_days": 11}, "refund_min_business_days"),
        ({"version": ""}, "version"),
        ({"effective_date": "2025-01-12"}, "effective_date"),
        ({"eligible_channels": "website"}, "eligible_channels"),
        ({"eligible_channels": 5}, "eligible_channels"),  # not a set at all
        ({"eligible_channels": [{}]}, "eligible_channels"),
        ({"version": "2026\r\n"}, "version"),
        ({"support_email": "help@example.com\x00"}, "support_email"),
        ({"defect_remedy_covers_custom": "yes"}, "defect_remedy_covers_custom"),
        ({"store_timezone": 5}, "store_timezone"),
        ({"store_timezone": "Mars/Olympus_Mons"}, "store_timezone"),
        ({"calendar_country": "XX"}, "country"),
    ],
)
def test_bad_terms(changes: dict[str, Any], field: str) -> None:
    """Malformed terms are refused with our error naming the term."""
    with pytest.raises(InputError) as info:
        PolicyTerms(**changes)
    assert field in [p[0] for p in info.value.problems]


def test_zone_falls_back_to_dateutil(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a system zone database the store zone comes from dateutil's own copy."""

    from atlier_policy import terms as module

    monkeypatch.setattr("zoneinfo.available_timezones", set)  # no database, no tzdata
    monkeypatch.setattr("zoneinfo._tzpath.TZPATH", ())  # and no zone file
    module._zones.cache_clear()
    try:
        terms = PolicyTerms(store_timezone="Europe/Paris")
        assert type(terms.tz).__module__.startswith("dateutil")
        assert terms.tz.utcoffset(datetime(2025, 7, 1)) == timedelta(hours=2)
        with pytest.raises(InputError, match="store_timezone"):
            PolicyTerms(store_timezone="Nowhere")
    finally:
        module._zones.cache_clear()


def test_terms_mapping_and_pickle() -> None:
    """Terms list their values and pickle to equal terms with the same calendar and zone."""
    terms = PolicyTerms(return_window_days=14, eligible_channels=frozenset({SalesChannel.WEBSITE}))
    mapping = terms.to_mapping()
    assert mapping["return_window_days"] == 14
    assert "_calendar" not in mapping
    clone = pickle.loads(pickle.dumps(terms))
    assert clone == terms
    assert clone.calendar == terms.calendar
    assert clone.tz == terms.tz


def test_policy_definition_errors() -> None:
    """A policy refuses terms or rule sets of the wrong type."""
    with pytest.raises(PolicyDefinitionError, match="terms"):
        Policy(terms="strict")  # type: ignore[arg-type]
    with pytest.raises(PolicyDefinitionError, match="return_rule"):
        Policy(return_rule=lambda ctx: True)  # type: ignore[arg-type]


def test_evaluate_refuses_non_cases() -> None:
    """Evaluating something that is not a case is our input error, per stage too."""
    policy = default_policy()
    with pytest.raises(InputError, match="case"):
        policy.evaluate("return please")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="ReturnRequest"):
        policy.return_request(defect_claim())  # type: ignore[arg-type]


def test_merchant_rule_type_is_kept_by_rewrites() -> None:
    """A merchant's own Rule subclass composes, prints, labels and survives clause removal."""
    policy = default_policy().with_rule("return_rule", Weekday())
    assert "weekday" in str(policy.return_rule)
    saturday = return_request(at("2025-03-08"))
    d = policy.return_request(saturday).items[0]
    assert d.outcome is ReturnOutcome.NOT_ELIGIBLE
    assert any(t.rule == "Weekday" for t in d.trace)
    lenient = policy.without_clause("s1.proof_of_purchase")
    assert "weekday" in str(lenient.return_rule)
    assert list(Weekday().clauses()) == []


def test_rewrites_reach_every_combinator() -> None:
    """Removing clauses inside not, unless, focus and any-of works, and empty groups vanish."""
    inner = ~eligibility.UNUSED
    rule = AllOf.of(
        Focus("line", _same, eligibility.UNWORN | eligibility.TAGS),
        inner,
        eligibility.ACCESSORIES.unless(eligibility.CERTIFICATES),
        eligibility.ORIGINAL_PACKAGING.unless(ALWAYS),
    )
    policy = replace(default_policy(), exchange_rule=rule)
    out = (
        policy.without_clause("s1.unused")
        .without_clause("s1.certificates")
        .without_clause("acme.always")
    )
    assert (
        str(out.exchange_rule)
        == "(line:(s1.unworn | s1.tags) & s1.accessories & s1.original_packaging)"
    )
    gone = (
        out.without_clause("s1.unworn").without_clause("s1.tags").without_clause("s1.accessories")
    )
    assert str(gone.exchange_rule) == "(s1.original_packaging)"
    emptied = gone.without_clause("s1.original_packaging")
    assert str(emptied.exchange_rule) == "()"
    sale = default_policy().without_clause("s2.sale_item")
    assert "s2.sale_defect_exception" not in str(sale.return_rule)  # the exception goes with it
    swapped = policy.replace_clause("s1.unused", ALWAYS)
    assert "~acme.always" in str(swapped.exchange_rule)


def _same(case: Any) -> Any:
    return case


def test_all_stages_dispatch() -> None:
    """Policy.evaluate dispatches each case type to its stage."""
    policy = default_policy()
    stages = {
        policy.evaluate(c).stage.value
        for c in (return_request(), defect_claim(), parcel(), cancellation(), exchange())
    }
    assert stages == {"return_request", "defect_claim", "lost_parcel", "cancellation", "exchange"}
    assert policy.version == "2025-01-12"
    assert policy.terms.effective_date == date(2025, 1, 12)
    assert return_item(item=item(kind=ItemKind.READY_MADE)).item.kind is ItemKind.READY_MADE
