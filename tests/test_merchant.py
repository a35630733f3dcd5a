"""A merchant composes its own clauses into a policy from outside the package."""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from atlier_policy import Policy, PolicyDefinitionError, default_policy
from atlier_policy.cases import ReturnLine
from atlier_policy.clauses import eligibility, non_returnable
from atlier_policy.deadlines import store_date
from atlier_policy.decision import ReturnOutcome
from atlier_policy.rules import (
    AllOf,
    Check,
    Clause,
    Context,
    Evaluation,
    Finding,
    Not,
    Rule,
    Then,
    Unless,
)
from atlier_policy.timelines import timeline
from builders import at, defect_claim, item, return_item, return_request, usd
from combinators import AtLeast, Escalated, Unlikely, Waived
from tables import reason_of

RETURN_WINDOW, UNUSED = eligibility.RETURN_WINDOW, eligibility.UNUSED
HOLIDAY = "Pieces delivered from 15 November to 24 December may be returned until 15 January."
HIGH_VALUE = (
    "Pieces over 5,000 USD are returned through a concierge and cannot be requested online."
)


def holiday_window_check(ctx: Context[ReturnLine]) -> Check:
    delivered, requested = ctx.case.item.delivered_at, ctx.case.requested_at
    if delivered is None or requested is None:
        return Check.unknown("dates unknown", "item.delivered_at")
    day = store_date(delivered, ctx.tz)
    if not date(day.year, 11, 15) <= day <= date(day.year, 12, 24):
        return Check.failed("not delivered in the holiday season")
    last = date(day.year + 1, 1, 15)
    asked = store_date(requested, ctx.tz)
    if asked <= last:
        return Check.passed(f"holiday season: requested {asked}, by {last}", last_day=last)
    return Check.failed(f"holiday season: requested {asked}, after {last}", last_day=last)


def high_value_check(ctx: Context[ReturnLine]) -> Check:
    price = ctx.case.item.price
    if price is None:
        return Check.unknown("price unknown", "item.price")
    if price.amount > Decimal("5000"):
        return Check.failed(f"priced {price}: concierge returns only", price=price)
    return Check.passed(f"priced {price}", price=price)


holiday_window = Clause(
    "acme.holiday_window", "merchant", HOLIDAY, "holiday_window", holiday_window_check
)
high_value = Clause("acme.high_value", "merchant", HIGH_VALUE, "high_value", high_value_check)

# The holiday season extends the text's window: either window will do.
HOLIDAY_POLICY = default_policy().replace_clause(
    "s1.return_window", eligibility.RETURN_WINDOW | holiday_window
)


def _decide(policy, req):  # type: ignore[no-untyped-def]
    return policy.return_request(req).items[0]


def test_holiday_window_extends_the_window() -> None:
    """A December delivery returned on 10 January is refused by the text and accepted with the merchant clause."""
    req = return_request(
        at("2026-01-10"),
        items=(
            return_item(item=item(purchased_at=at("2025-12-01"), delivered_at=at("2025-12-03"))),
        ),
    )
    assert _decide(default_policy(), req).outcome is ReturnOutcome.NOT_ELIGIBLE
    d = _decide(HOLIDAY_POLICY, req)
    assert d.outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    assert "acme.holiday_window" in {r.clause_id for r in d.reasons}


def test_holiday_window_keeps_the_text_outside_the_season() -> None:
    """Outside the season the merchant's policy refuses a late request with both windows as reasons."""
    d = _decide(HOLIDAY_POLICY, return_request(at("2025-03-12")))
    assert d.outcome is ReturnOutcome.NOT_ELIGIBLE
    assert {r.clause_id for r in d.reasons} == {"s1.return_window", "acme.holiday_window"}


def test_extra_clause_refuses_with_its_own_reason() -> None:
    """An added clause refuses what the text accepts, citing the merchant's sentence."""
    policy = default_policy().with_rule("return_rule", high_value)
    req = return_request(items=(return_item(item=item(price=usd("7200.00"))),))
    assert _decide(default_policy(), req).granted
    d = _decide(policy, req)
    assert d.outcome is ReturnOutcome.NOT_ELIGIBLE
    (reason,) = d.reasons
    assert (reason.clause_id, reason.section, reason.sentence) == (
        "acme.high_value",
        "merchant",
        HIGH_VALUE,
    )
    # The same rule set is judged again at inspection and exchange.
    assert "acme.high_value" in {c.id for c in policy.clauses()}


def test_removed_clause_no_longer_applies() -> None:
    """Removing the proof-of-purchase clause makes a request without proof eligible."""
    req = return_request(proof_of_purchase=None)
    assert _decide(default_policy(), req).outcome is ReturnOutcome.INCOMPLETE
    lenient = default_policy().without_clause("s1.proof_of_purchase")
    assert _decide(lenient, req).outcome is ReturnOutcome.ELIGIBLE_PENDING_INSPECTION
    assert "s1.proof_of_purchase" not in {c.id for c in lenient.clauses()}


def test_unknown_clause_id_is_refused() -> None:
    """Removing or replacing a clause id the policy does not have is a definition error."""
    with pytest.raises(PolicyDefinitionError, match=r"s9\.nothing"):
        default_policy().without_clause("s9.nothing")
    with pytest.raises(PolicyDefinitionError, match="no rule set"):
        default_policy().with_rule("nonsense", high_value)  # type: ignore[arg-type]


def test_merchant_policy_pickles() -> None:
    """A policy with module-level merchant clauses pickles to an equal, equally deciding value."""
    clone = pickle.loads(pickle.dumps(HOLIDAY_POLICY))
    assert clone == HOLIDAY_POLICY
    req = return_request(
        at("2026-01-10"),
        items=(
            return_item(item=item(purchased_at=at("2025-12-01"), delivered_at=at("2025-12-03"))),
        ),
    )
    assert _decide(clone, req) == _decide(HOLIDAY_POLICY, req)


@pytest.mark.parametrize(
    ("clause_id", "key"),
    [
        ("s3.notice_window", "last_day_to_report_defect"),
        ("s1.return_window", "last_day_to_request_return"),
    ],
)
def test_a_removed_window_has_no_last_day_anywhere(clause_id: str, key: str) -> None:
    """Without the clause that declares a last day, neither the decision nor the timeline
    states that day; the other window stays in both."""
    policy = default_policy().without_clause(clause_id)
    for case in (defect_claim(), return_request()):
        d = policy.evaluate(case)
        (one,) = d.items if hasattr(d, "items") else (d,)
        keys = {e.key for e in timeline(case, policy=policy)}
        assert getattr(one.obligations, key) is None
        assert key not in keys
        other = ({"last_day_to_report_defect", "last_day_to_request_return"} - {key}).pop()
        assert other in keys


SHARED = (
    "s1.website_purchase",
    "s1.proof_of_purchase",
    "s1.unused",
    "s1.tags",
    "s2.custom_or_personalized",
    "s2.engraved",
    "s2.sale_item",
)


def test_the_reasons_of_precomputed_results_are_shared() -> None:
    """A yes/no or enumerated clause computes its results, and their reasons, once: two
    decisions citing the same result cite one immutable reason, not two equal copies."""
    policy = default_policy()
    first = policy.evaluate(return_request()).items[0]
    second = policy.evaluate(return_request(at("2025-03-05"))).items[0]
    for clause_id in SHARED:
        assert reason_of(first, clause_id) is reason_of(second, clause_id), clause_id


@pytest.mark.parametrize("clause_id", SHARED)
def test_a_store_rewording_a_precomputed_result_is_quoted_in_its_words(clause_id: str) -> None:
    """A store's clause that rewords the text's result (``dataclasses.replace``) under the
    same id is quoted as it words it, not with the reason shared by the original."""
    (clause,) = [c for c in default_policy().clauses() if c.id == clause_id]

    def reworded(ctx: Context[ReturnLine]) -> Check:
        return replace(clause.check(ctx), message="in the store's own words")

    policy = default_policy().replace_clause(clause_id, replace(clause, check=reworded))
    decided = policy.evaluate(return_request()).items[0]
    assert reason_of(decided, clause_id).message == "in the store's own words"


@dataclass(frozen=True)
class _ReviewDear(Rule):
    """A merchant's rule: a refusal of a piece over $1,000 goes to a person instead (the
    rule set's own evaluation, its finding reworked)."""

    rule: Rule

    def parts(self) -> tuple[Rule, ...]:
        return (self.rule,)

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        ev = self.rule.evaluate(ctx)
        if ev.finding is Finding.FAILED and ctx.case.item.price.amount > 1000:
            return ev._replace(finding=Finding.UNKNOWN)
        return ev


def test_a_merchant_rule_that_reworks_an_evaluation_is_explained_as_it_found() -> None:
    """A decision's explanation is its own evaluation's, even where a merchant's rule hands
    back the built-in rules' evaluation with its finding changed: never the template of
    another case whose evaluation had the same results underneath."""
    base = default_policy()
    policy = replace(base, return_rule=_ReviewDear(base.return_rule))
    cheap, dear = (
        return_request(items=(return_item(item=item(engraved=True, price=usd(price))),))
        for price in ("240.00", "2000.00")
    )
    (refused,) = policy.evaluate(cheap).items  # type: ignore[union-attr]
    assert refused.outcome is ReturnOutcome.NOT_ELIGIBLE
    assert refused.trace[0].finding is Finding.FAILED  # read: explanations are lazy
    (reviewed,) = policy.evaluate(dear).items  # type: ignore[union-attr]
    (alone,) = replace(base, return_rule=_ReviewDear(base.return_rule)).evaluate(dear).items  # type: ignore[union-attr]
    assert reviewed.outcome is alone.outcome is ReturnOutcome.NEEDS_REVIEW
    assert reviewed.trace[0].finding is Finding.UNKNOWN
    assert (reviewed.reasons, reviewed.trace) == (alone.reasons, alone.trace)


def test_swapping_a_clause_keeps_a_merchants_unless_and_then() -> None:
    """A merchant's "unless" or "then" with a field of its own keeps it (and its type)
    when a clause inside is replaced; removing its second part leaves its first, as for
    the built-in ones."""
    window, unused = eligibility.RETURN_WINDOW, eligibility.UNUSED
    acme = replace(window, id="acme.window")

    def mine(policy: Policy) -> Rule:
        return policy.return_rule.parts()[-1]  # the merchant's, after the text's own

    waived = default_policy().with_rule("return_rule", Waived(window, unused, note="vip"))
    assert mine(waived.replace_clause(window.id, acme)) == Waived(acme, unused, note="vip")
    assert mine(waived.without_clause(unused.id)) == window
    escalated = default_policy().with_rule("return_rule", Escalated(unused, window, desk="B"))
    assert mine(escalated.replace_clause(window.id, acme)) == Escalated(unused, acme, desk="B")
    unworn = replace(unused, id="acme.unused")
    assert mine(escalated.replace_clause(unused.id, unworn)) == Escalated(unworn, window, desk="B")
    assert mine(escalated.without_clause(window.id)) == unused
    # Its evaluation is still the merchant's node, named by its own label.
    case = return_request()
    trace = escalated.replace_clause(window.id, acme).return_request(case).items[0].trace
    assert any(t.rule == "then, at B" for t in trace)


NEVER = Clause("acme.never", "9", "Never.", "acme_never", lambda ctx: Check.failed("no"))


@dataclass(frozen=True, slots=True)
class UnlessAlso(Unless):
    """An "unless" whose parts() list one more rule than its named two."""

    also: Rule = NEVER

    def parts(self) -> tuple[Rule, ...]:
        return (self.rule, self.exception, self.also)

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        return (Unless(self.rule, self.exception) & self.also).evaluate(ctx)


@dataclass(frozen=True, slots=True)
class Guarded(Unless):
    """An "unless" whose own check refuses an exception that is no clause."""

    def __post_init__(self) -> None:
        if not isinstance(self.exception, Clause):
            raise ValueError("the exception must be one clause")


@dataclass(frozen=True)
class Pair(Rule):
    """A merchant's own rule type over two clauses (not a built-in combinator)."""

    left: Rule
    right: Rule

    def parts(self) -> tuple[Rule, ...]:
        return (self.left, self.right)

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        return (self.left & self.right).evaluate(ctx)


@dataclass(frozen=True, slots=True)
class FirstOnly(AllOf):
    """An "all of" whose parts() name only its first rule (the others hidden)."""

    def parts(self) -> tuple[Rule, ...]:
        return self.rules[:1]


@dataclass(frozen=True, slots=True)
class Asserted(Unless):
    """An "unless" whose own check is an assertion: the exception is one clause."""

    def __post_init__(self) -> None:
        assert isinstance(self.exception, Clause)


@dataclass(frozen=True, slots=True)
class StrictAll(AllOf):
    """An "all of" of clauses only, by its own check."""

    def __post_init__(self) -> None:
        if not all(isinstance(r, Clause) for r in self.rules):
            raise ValueError("clauses only")


@dataclass(frozen=True, slots=True)
class StrictNot(Not):
    """A "not" of one clause only, by its own check."""

    def __post_init__(self) -> None:
        if not isinstance(self.rule, Clause):
            raise ValueError("one clause only")


@dataclass(frozen=True, slots=True)
class StrictThen(Then):
    """A "then" between clauses only, by its own check."""

    def __post_init__(self) -> None:
        if not isinstance(self.first, Clause) or not isinstance(self.decides, Clause):
            raise ValueError("clauses only")


@dataclass(frozen=True, slots=True)
class ThenAlso(Then):
    """A "then" whose parts() list one more rule than its named two."""

    also: Rule = NEVER

    def parts(self) -> tuple[Rule, ...]:
        return (self.first, self.decides, self.also)


class Lazy(Rule):
    """A merchant's own rule type (not a dataclass) whose parts() is a generator."""

    def __init__(self, *rules: Rule) -> None:
        self.rules = rules

    def parts(self) -> Any:
        return (r for r in self.rules)

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        return AllOf(self.rules).evaluate(ctx)


_OWN = "whose parts are its own: build that rule again with the clause changed (Policy.with_rule)"
_REBUILT = "cannot rebuild a rule of type"


@pytest.mark.parametrize(
    ("mine", "refused", "words"),
    [
        (UnlessAlso(RETURN_WINDOW, UNUSED), ("without", "replace"), f"UnlessAlso, {_OWN}"),
        (ThenAlso(UNUSED, RETURN_WINDOW), ("without", "replace"), f"ThenAlso, {_OWN}"),
        (Pair(RETURN_WINDOW, NEVER), ("without", "replace"), f"Pair, {_OWN}"),
        (Lazy(RETURN_WINDOW, NEVER), ("without", "replace"), f"Lazy, {_OWN}"),
        # Without its exception an "unless" is its rule alone: only the swap is refused.
        (Guarded(RETURN_WINDOW, NEVER), ("replace",), f"{_REBUILT} Guarded .*: ValueError"),
        (Asserted(RETURN_WINDOW, NEVER), ("replace",), f"{_REBUILT} Asserted .*: AssertionError"),
        (StrictAll((RETURN_WINDOW, NEVER)), ("replace",), f"{_REBUILT} StrictAll .*: ValueError"),
        (StrictNot(NEVER), ("replace",), f"{_REBUILT} StrictNot .*: ValueError"),
        (StrictThen(RETURN_WINDOW, NEVER), ("replace",), f"{_REBUILT} StrictThen .*: ValueError"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Rule) else None,
)
def test_a_clause_the_library_cannot_take_out_of_a_merchants_rule_is_refused(
    mine: Rule, refused: tuple[str, ...], words: str
) -> None:
    """Fail closed: a clause inside a merchant's rule that cannot be rebuilt without it is
    not left in place (still deciding) when asked away or swapped: the policy is refused,
    as our error, naming the rule's type and why (its own parts, or what its own checks
    raised). A rule in which nothing changes is kept whole."""
    policy = default_policy().with_rule("return_rule", mine)
    builds = {
        "without": lambda: policy.without_clause(NEVER.id),
        "replace": lambda: policy.replace_clause(NEVER.id, NEVER & UNUSED),
    }
    for name in refused:
        with pytest.raises(PolicyDefinitionError, match=re.escape(words).replace(r"\.\*", ".*")):
            builds[name]()
    kept = policy.without_clause(eligibility.PROOF_OF_PURCHASE.id).return_rule.parts()[-1]
    assert kept is mine


def test_a_clause_hidden_from_a_merchants_parts_is_not_left_deciding() -> None:
    """A subclass whose parts() hide one of its rules: when that rule's clause, also
    named elsewhere, is taken away, the subclass is refused, not kept with it inside."""
    hidden = FirstOnly((eligibility.RETURN_WINDOW, NEVER))
    policy = default_policy().with_rule("return_rule", hidden & NEVER)
    with pytest.raises(PolicyDefinitionError, match="FirstOnly"):
        policy.without_clause(NEVER.id)
    kept = policy.without_clause(eligibility.PROOF_OF_PURCHASE.id).return_rule.parts()
    assert hidden in kept


def test_swapping_a_clause_keeps_the_merchants_combinators() -> None:
    """Replacing or removing a clause rebuilds the rules around it: a merchant's own
    combinator keeps its type and its fields (and so its evaluation), whatever it holds,
    and a clause swapped for a built-in combinator reads as if written in its place."""
    window, engraved = eligibility.RETURN_WINDOW, non_returnable.ENGRAVED
    mine = AtLeast((window, Unlikely(engraved)), least=2)
    policy = default_policy().with_rule("return_rule", mine)
    acme = replace(window, id="acme.window")
    swapped = policy.replace_clause("s1.return_window", acme).return_rule.parts()[-1]
    assert swapped == AtLeast((acme, Unlikely(engraved)), least=2)
    assert type(swapped.parts()[1]) is Unlikely
    fewer = policy.without_clause("s1.return_window").return_rule.parts()[-1]
    assert fewer == AtLeast((Unlikely(engraved),), least=2)
    pair = eligibility.UNUSED & acme
    both = default_policy().replace_clause("s1.return_window", pair).return_rule
    assert both.parts()[:4] == (
        eligibility.WEBSITE_PURCHASE,
        eligibility.UNUSED,
        acme,
        eligibility.UNUSED,
    )
