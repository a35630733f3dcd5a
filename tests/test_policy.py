"""Policy values: terms, variants, rule-set rewriting, definition errors, dispatch; and
the two speed paths of an evaluation, each held equal to the plain one (explanations
shared per pattern, ``rules.Patterns``; rule sets compiled, ``atlier_policy.compiled``)."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import (
    InputError,
    Policy,
    PolicyDefinitionError,
    PolicyTerms,
    default_policy,
)
from atlier_policy.cases import ItemKind, ReturnLine, SalesChannel
from atlier_policy.clauses import eligibility, non_returnable
from atlier_policy.compiled import Compiled, compile_rule
from atlier_policy.deadlines import store_date
from atlier_policy.decision import ReturnOutcome
from atlier_policy.rules import (
    AllOf,
    Check,
    Clause,
    Context,
    Evaluation,
    Finding,
    Focus,
    Patterns,
    Rule,
    explain,
)
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
from strategies import any_complete_case


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
        ({"calendar_country": "XX"}, "calendar_country"),
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


# --- explanations shared per pattern (rules.Patterns) -------------------------------------


def _dated(ctx: Context[ReturnLine]) -> Check:
    """A merchant's clause whose results carry the case's dates: unknown on odd days, not
    applicable on days divisible by four."""
    asked = store_date(ctx.case.requested_at, ctx.tz)
    if asked.day % 2:
        return Check.unknown(f"asked on {asked}: needs a person", f"day_{asked.day}")
    if asked.day % 4 == 0:
        return Check.not_applicable(f"asked on {asked}: not our concern")
    return Check.passed(f"asked on {asked}", asked=asked)


DATED = Clause("acme.dated", "merchant", "Requests on odd days are reviewed.", "odd_day", _dated)
# The same clause under two ids: a result of one is never quoted as the other's.
RENAMED = replace(eligibility.UNUSED, id="acme.unused")

VARIANTS: tuple[Policy, ...] = (
    default_policy(),
    default_policy(return_window_days=14),
    default_policy().with_rule("return_rule", DATED),
    default_policy().replace_clause("s1.unused", RENAMED & eligibility.UNUSED),
)


def evaluations(policy: Policy, case: Any) -> list[tuple[Evaluation, Rule]]:
    """What the policy's rule set for the case's stage finds on each of its items, with
    that rule set."""
    spec = policy.stage_of(case)
    rule = spec.rule if spec.rule is not None else policy.rule(spec.rule_set_of(case))
    t = policy.terms
    return [(rule.evaluate(Context(item, t, t.calendar, t.tz)), rule) for item in spec.items(case)]


@given(
    st.sampled_from(VARIANTS),
    st.lists(any_complete_case, min_size=1, max_size=4),
    st.integers(min_value=1, max_value=3),
)
def test_a_shared_explanation_equals_one_derived_afresh(
    policy: Policy, cases: list[Any], limit: int
) -> None:
    """Law: for every evaluation, seen first or after others of its pattern, and whether
    or not the pattern still fits under the limit, the shared path gives what
    ``explain`` derives from the evaluation alone."""
    patterns = Patterns(limit)
    for case in cases:
        for ev, rule in evaluations(policy, case):
            assert patterns.explain(ev, rule) == explain(ev)
    assert len(patterns) <= limit


def test_a_pattern_is_built_once_and_its_holes_filled_per_case() -> None:
    """Two requests of one pattern share a template, yet each quotes its own dates."""
    policy = default_policy().with_rule("return_rule", DATED)
    patterns = Patterns()
    (first, rule), (second, _) = (
        evaluations(policy, return_request(at(day)))[0] for day in ("2025-03-06", "2025-03-10")
    )
    one, two = patterns.explain(first, rule), patterns.explain(second, rule)
    assert len(patterns) == 1
    assert one == explain(first)
    assert two == explain(second)
    assert one[1] != two[1]  # the dated messages differ
    shared = [a for a, b in zip(one[1], two[1], strict=True) if a is b]
    assert len(shared) >= len(one[1]) - 2  # all but the dated entries are the same objects


def test_a_pickled_policy_starts_with_no_patterns_and_decides_alike() -> None:
    """The patterns are keyed by identities, which do not survive pickling: a copy starts
    empty and gives equal decisions."""
    policy = default_policy()
    before = policy.evaluate(return_request())
    copy = pickle.loads(pickle.dumps(policy))
    assert len(copy._patterns) == 0
    after = copy.evaluate(return_request())
    assert after == before
    assert [d.trace for d in after.items] == [d.trace for d in before.items]


# --- rule sets compiled once (atlier_policy.compiled) ---------------------------------------


@dataclass(frozen=True, slots=True)
class Sunday(Rule):
    """A merchant's own rule type: fails requests made on a Sunday, whatever the clauses."""

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        asked = ctx.case.requested_at
        sunday = asked is not None and asked.astimezone(ctx.tz).weekday() == 6
        return Evaluation(self, Finding.FAILED if sunday else Finding.PASSED)


COMPILED_VARIANTS: tuple[Policy, ...] = (
    default_policy(),
    default_policy(return_window_days=30),
    default_policy().with_rule("return_rule", DATED),
    default_policy().with_rule("return_rule", Sunday()),
    # Unknown on odd days, lifted by an unused piece: every row of the "unless" table.
    default_policy().with_rule("return_rule", DATED.unless(eligibility.UNUSED)),
    default_policy().with_rule("return_rule", ~DATED.unless(~eligibility.UNUSED)),
    default_policy().with_rule("return_rule", DATED.then(eligibility.UNUSED)),
    default_policy().with_rule("return_rule", ~Sunday() | ~eligibility.UNUSED),
    default_policy().replace_clause("s1.unused", RENAMED & eligibility.UNUSED),
    default_policy().replace_clause(
        "s2.engraved", non_returnable.ENGRAVED.unless(eligibility.UNWORN).then(DATED)
    ),
)


@given(st.sampled_from(COMPILED_VARIANTS), any_complete_case)
def test_every_compiled_rule_set_evaluates_as_its_rule_tree(policy: Policy, case: Any) -> None:
    """Law: for each rule set the case's stage can use, on each of its items, the compiled
    evaluation equals the rule tree's, node for node, and so does its explanation."""
    spec = policy.stage_of(case)
    names = [n for n in policy._selecting if n == spec.rule_set_of(case) or n.startswith("stage")]
    t = policy.terms
    for name in names:
        rule = policy.rule(name)
        run = policy._compiled.run(name, rule)
        for piece in spec.items(case):
            ctx = Context(piece, t, t.calendar, t.tz)
            compiled, interpreted = run(ctx), rule.evaluate(ctx)
            assert compiled == interpreted
            assert explain(compiled) == explain(interpreted)


def test_a_rule_set_of_another_rule_is_evaluated_as_that_rule() -> None:
    """Compiled code answers only for the rule it was made from: under the same name,
    another rule (an overridden ``Policy.rule``) is evaluated by its own ``evaluate``."""
    other = eligibility.UNUSED
    compiled = Compiled({"return_rule": default_policy().return_rule})
    assert compiled.run("return_rule", other) == other.evaluate
    assert compiled.run("no such set", other) == other.evaluate
    own = default_policy().return_rule
    assert compiled.run("return_rule", own) != own.evaluate  # its compiled code


def test_a_rule_type_of_its_own_is_called_as_it_is() -> None:
    rule = Sunday()
    assert compile_rule(rule) == rule.evaluate


def test_a_policy_compiles_again_when_unpickled() -> None:
    policy = default_policy().with_rule("return_rule", DATED)
    copy = pickle.loads(pickle.dumps(policy))
    assert copy._compiled is not policy._compiled
    assert copy.evaluate(return_request()) == policy.evaluate(return_request())


def test_decisions_of_one_policy_share_their_explanations_parts() -> None:
    """Two decisions of one pattern share the entries built once (the policy's patterns are
    used), and a decision derives its explanation once, however often it is read."""
    policy = default_policy()
    (first,) = policy.return_request(return_request()).items
    (second,) = policy.return_request(return_request(at("2025-03-07"))).items
    assert first.trace[0] is second.trace[0]
    assert first.trace is first.trace
    assert first.reasons is first.reasons
    dated = [a for a, b in zip(first.trace, second.trace, strict=True) if a != b]
    assert [e.rule for e in dated] == ["s1.return_window"]  # the one result with its dates
