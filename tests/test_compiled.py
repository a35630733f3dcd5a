"""The compiled rule sets (``atlier_policy.compiled``) evaluate as the rule objects do:
the rule tree stays the source of truth, the compiled path only calls it faster."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import Policy, default_policy
from atlier_policy.clauses import eligibility, non_returnable
from atlier_policy.compiled import Compiled, compile_rule
from atlier_policy.rules import Context, Evaluation, Finding, Rule, explain
from builders import return_request
from strategies import any_complete_case
from test_patterns import DATED, RENAMED


@dataclass(frozen=True, slots=True)
class Weekday(Rule):
    """A merchant's own rule type: fails requests made on a Sunday, whatever the clauses."""

    def evaluate(self, ctx: Context[Any]) -> Evaluation:
        asked = ctx.case.requested_at
        sunday = asked is not None and asked.astimezone(ctx.tz).weekday() == 6
        return Evaluation(self, Finding.FAILED if sunday else Finding.PASSED)


VARIANTS: tuple[Policy, ...] = (
    default_policy(),
    default_policy(return_window_days=30),
    default_policy().with_rule("return_rule", DATED),
    default_policy().with_rule("return_rule", Weekday()),
    # Unknown on odd days, lifted by an unused piece: every row of the "unless" table.
    default_policy().with_rule("return_rule", DATED.unless(eligibility.UNUSED)),
    default_policy().with_rule("return_rule", ~DATED.unless(~eligibility.UNUSED)),
    default_policy().with_rule("return_rule", DATED.then(eligibility.UNUSED)),
    default_policy().with_rule("return_rule", ~Weekday() | ~eligibility.UNUSED),
    default_policy().replace_clause("s1.unused", RENAMED & eligibility.UNUSED),
    default_policy().replace_clause(
        "s2.engraved", non_returnable.ENGRAVED.unless(eligibility.UNWORN).then(DATED)
    ),
)


@given(st.sampled_from(VARIANTS), any_complete_case)
def test_every_compiled_rule_set_evaluates_as_its_rule_tree(policy: Policy, case: Any) -> None:
    """Law: for each rule set the case's stage can use, on each of its items, the compiled
    evaluation equals the rule tree's, node for node, and so does its explanation."""
    spec = policy.stage_of(case)
    names = [n for n in policy._selecting if n == spec.rule_set_of(case) or n.startswith("stage")]
    t = policy.terms
    for name in names:
        rule = policy.rule(name)
        run = policy._compiled.run(name, rule)
        for item in spec.items(case):
            ctx = Context(item, t, t.calendar, t.tz)
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
    assert compiled.run("return_rule", default_policy().return_rule) != other.evaluate


def test_a_rule_type_of_its_own_is_called_as_it_is() -> None:
    rule = Weekday()
    assert compile_rule(rule) == rule.evaluate


def test_a_policy_compiles_again_when_unpickled() -> None:
    policy = default_policy().with_rule("return_rule", DATED)
    copy = pickle.loads(pickle.dumps(policy))
    assert copy._compiled is not policy._compiled
    assert copy.evaluate(return_request()) == policy.evaluate(return_request())
