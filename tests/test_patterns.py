"""Explanations built once per pattern of results (``rules.Patterns``) equal the ones
derived afresh from each evaluation (``rules.explain``): the shared path is an
optimisation, never a second reading."""

from __future__ import annotations

import pickle
from dataclasses import replace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from atlier_policy import Policy, default_policy
from atlier_policy.cases import ReturnLine
from atlier_policy.clauses import eligibility
from atlier_policy.deadlines import store_date
from atlier_policy.rules import Check, Clause, Context, Evaluation, Patterns, explain
from builders import at, return_request
from strategies import any_complete_case


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


def evaluations(policy: Policy, case: Any) -> list[Evaluation]:
    """What the policy's rule set for the case's stage finds on each of its items."""
    spec = policy.stage_of(case)
    rule = spec.rule if spec.rule is not None else policy.rule(spec.rule_set_of(case))
    t = policy.terms
    return [rule.evaluate(Context(item, t, t.calendar, t.tz)) for item in spec.items(case)]


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
        for ev in evaluations(policy, case):
            assert patterns.explain(ev) == explain(ev)
    assert len(patterns) <= limit


def test_a_pattern_is_built_once_and_its_holes_filled_per_case() -> None:
    """Two requests of one pattern share a template, yet each quotes its own dates."""
    policy = default_policy().with_rule("return_rule", DATED)
    patterns = Patterns()
    first, second = (
        evaluations(policy, return_request(at(day)))[0] for day in ("2025-03-06", "2025-03-10")
    )
    one, two = patterns.explain(first), patterns.explain(second)
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
