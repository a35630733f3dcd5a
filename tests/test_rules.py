"""Tests of the rule algebra (``atlier_policy.rules``).

Truth tables pin the strong-Kleene combinators; Hypothesis checks algebraic
laws over random rule trees built from a small pool of leaf clauses whose
findings come from the case (a dict mapping clause id -> Finding).
"""

from __future__ import annotations

import enum
import functools
import gc
import itertools
import operator
import pickle
import sys
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from atlier_policy.compiled import compile_rule
from atlier_policy.errors import PolicyDefinitionError
from atlier_policy.rules import (
    AllOf,
    AnyOf,
    Check,
    Clause,
    Context,
    Evaluation,
    Explanation,
    Finding,
    Focus,
    Not,
    Patterns,
    Rule,
    Then,
    TraceEntry,
    Unless,
    explain,
)
from combinators import AtLeast, Unlikely

P = Finding.PASSED
F = Finding.FAILED
U = Finding.UNKNOWN
N = Finding.NOT_APPLICABLE

# --------------------------------------------------------------------------
# Leaf clauses and Hypothesis strategies
# --------------------------------------------------------------------------

LEAF_IDS = ("a", "b", "c", "d")


def _finding_from_case(clause_id: str, ctx: Context[Any]) -> Check:
    """The check of the pool clauses: the finding the case assigns to ``clause_id``."""
    finding = ctx.case[clause_id]
    return Check(finding, f"{clause_id} is {finding.value}")


def _clause(clause_id: str) -> Clause:
    return Clause(
        clause_id,
        "9",
        f"Clause {clause_id}.",
        f"{clause_id}_code",
        functools.partial(_finding_from_case, clause_id),
    )


A, B, C, D = (_clause(i) for i in LEAF_IDS)
LEAVES = (A, B, C, D)


def _rotated(case: dict[str, Finding]) -> dict[str, Finding]:
    """A view of the case in which each clause sees its neighbour's finding."""
    return {cid: case[LEAF_IDS[(i + 1) % len(LEAF_IDS)]] for i, cid in enumerate(LEAF_IDS)}


findings = st.sampled_from(Finding)
cases = st.fixed_dictionaries(dict.fromkeys(LEAF_IDS, findings))
cases_without_pass = st.fixed_dictionaries({cid: st.sampled_from([F, U, N]) for cid in LEAF_IDS})
cases_without_na = st.fixed_dictionaries({cid: st.sampled_from([P, F, U]) for cid in LEAF_IDS})


def _extend(children: st.SearchStrategy[Rule], *, negation: bool) -> st.SearchStrategy[Rule]:
    pairs = st.tuples(children, children)
    options = [
        pairs.map(lambda p: p[0] & p[1]),
        pairs.map(lambda p: p[0] | p[1]),
        pairs.map(lambda p: p[0].unless(p[1])),
        children.map(lambda r: Focus("rotated", _rotated, r)),
    ]
    if negation:
        options.append(children.map(operator.invert))
    return st.one_of(options)


leaves = st.sampled_from(LEAVES)
rules = st.recursive(leaves, functools.partial(_extend, negation=True), max_leaves=8)
rules_without_not = st.recursive(leaves, functools.partial(_extend, negation=False), max_leaves=8)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def ctx(case: Any) -> Context[Any]:
    return Context(case=case)


def finding(rule: Rule, case: dict[str, Finding]) -> Finding:
    return rule.evaluate(ctx(case)).finding


def assign(**findings_by_id: Finding) -> dict[str, Finding]:
    """A case: the given findings, NOT_APPLICABLE for the clauses not named."""
    return {cid: findings_by_id.get(cid, N) for cid in LEAF_IDS}


def ids(evs: Iterator[Evaluation]) -> list[str]:
    return [ev.rule.label for ev in evs]


def _table(text: str) -> list[tuple[Finding, Finding, Finding]]:
    """Rows ``(left, right, result)`` of a grid: row header = left, column header = right."""
    by_letter = {"P": P, "F": F, "U": U, "N": N}
    header, *rows = (line.split() for line in text.strip().splitlines())
    return [
        (by_letter[row[0]], by_letter[col], by_letter[cell])
        for row in rows
        for col, cell in zip(header, row[1:], strict=True)
    ]


def _not_ancestors(ev: Evaluation, nots: int = 0) -> Iterator[tuple[int, Evaluation]]:
    """Every leaf evaluation with the number of ``Not`` nodes above it."""
    if ev.check is not None:
        yield nots, ev
    for part in ev.parts:
        yield from _not_ancestors(part, nots + isinstance(ev.rule, Not))


def _flip(f: Finding, times: int) -> Finding:
    for _ in range(times):
        f = ~f
    return f


# --------------------------------------------------------------------------
# Truth tables
# --------------------------------------------------------------------------

AND_TABLE = _table(
    """
       P F U N
    P  P F U P
    F  F F F F
    U  U F U U
    N  P F U N
    """
)
OR_TABLE = _table(
    """
       P F U N
    P  P P P P
    F  P F U F
    U  P U U U
    N  P F U N
    """
)
# From the Unless docstring (rows: the rule; columns: the exception).
UNLESS_TABLE = _table(
    """
       P F U N
    P  P P P P
    F  P F U F
    U  P U U U
    N  N N N N
    """
)


@pytest.mark.parametrize(("left", "right", "expected"), AND_TABLE)
def test_and_truth_table(left: Finding, right: Finding, expected: Finding) -> None:
    """`&` is strong-Kleene "and": FAILED beats UNKNOWN beats PASSED; NA parts are ignored."""
    assert finding(A & B, assign(a=left, b=right)) is expected


@pytest.mark.parametrize(("left", "right", "expected"), OR_TABLE)
def test_or_truth_table(left: Finding, right: Finding, expected: Finding) -> None:
    """`|` is strong-Kleene "or": PASSED beats UNKNOWN beats FAILED; NA parts are ignored."""
    assert finding(A | B, assign(a=left, b=right)) is expected


@pytest.mark.parametrize(("inner", "expected"), [(P, F), (F, P), (U, U), (N, N)])
def test_not_truth_table(inner: Finding, expected: Finding) -> None:
    """`~` swaps PASSED and FAILED and keeps UNKNOWN and NOT_APPLICABLE, as does ~Finding."""
    assert finding(~A, assign(a=inner)) is expected
    assert ~inner is expected


@pytest.mark.parametrize(("rule_finding", "exception_finding", "expected"), UNLESS_TABLE)
def test_unless_truth_table(
    rule_finding: Finding, exception_finding: Finding, expected: Finding
) -> None:
    """`a.unless(b)` follows the Unless docstring table; a NOT_APPLICABLE rule stays NOT_APPLICABLE."""
    assert finding(A.unless(B), assign(a=rule_finding, b=exception_finding)) is expected


@pytest.mark.parametrize(
    ("rule_finding", "exception_evaluated"), [(P, False), (N, False), (F, True), (U, True)]
)
def test_unless_evaluates_exception_only_for_failure_or_unknown(
    rule_finding: Finding, exception_evaluated: bool
) -> None:
    """The exception is evaluated (and in the trace) only when the rule failed or is unknown."""
    ev = A.unless(B).evaluate(ctx(assign(a=rule_finding, b=F)))
    assert [part.rule for part in ev.parts] == ([A, B] if exception_evaluated else [A])


def test_empty_all_of_and_any_of_are_not_applicable() -> None:
    """An all-of or any-of with no parts is NOT_APPLICABLE (every part, vacuously, is)."""
    assert finding(AllOf.of(), assign()) is N
    assert finding(AnyOf.of(), assign()) is N


# --------------------------------------------------------------------------
# Laws over random rule trees
# --------------------------------------------------------------------------


@given(rules, rules, cases)
def test_de_morgan_and(a: Rule, b: Rule, case: dict[str, Finding]) -> None:
    """~(a & b) and (~a | ~b) give the same finding."""
    assert finding(~(a & b), case) is finding(~a | ~b, case)


@given(rules, rules, cases)
def test_de_morgan_or(a: Rule, b: Rule, case: dict[str, Finding]) -> None:
    """~(a | b) and (~a & ~b) give the same finding."""
    assert finding(~(a | b), case) is finding(~a & ~b, case)


@given(rules, cases)
def test_double_negation(a: Rule, case: dict[str, Finding]) -> None:
    """~~a equals a structurally (is the very object unless a is a Not) and gives a's finding."""
    assert ~~a == a
    if not isinstance(a, Not):
        assert ~~a is a
    assert isinstance(~a, Not) != isinstance(a, Not)
    assert finding(~~a, case) is finding(a, case)


@given(rules, rules, rules, cases)
def test_and_is_associative_and_flattens(
    a: Rule, b: Rule, c: Rule, case: dict[str, Finding]
) -> None:
    """(a & b) & c, a & (b & c) and AllOf.of(a, b, c) are one flat all-of: equal, same str, same finding."""
    left, right, flat = (a & b) & c, a & (b & c), AllOf.of(a, b, c)
    assert left == right == flat
    assert str(left) == str(right) == str(flat)
    assert finding(left, case) is finding(right, case) is finding(flat, case)
    width = sum(len(r.rules) if isinstance(r, AllOf) else 1 for r in (a, b, c))
    assert isinstance(flat, AllOf)
    assert len(flat.parts()) == width
    assert not any(isinstance(part, AllOf) for part in flat.parts())


@given(rules, rules, rules, cases)
def test_or_is_associative_and_flattens(
    a: Rule, b: Rule, c: Rule, case: dict[str, Finding]
) -> None:
    """(a | b) | c, a | (b | c) and AnyOf.of(a, b, c) are one flat any-of: equal, same str, same finding."""
    left, right, flat = (a | b) | c, a | (b | c), AnyOf.of(a, b, c)
    assert left == right == flat
    assert str(left) == str(right) == str(flat)
    assert finding(left, case) is finding(right, case) is finding(flat, case)
    width = sum(len(r.rules) if isinstance(r, AnyOf) else 1 for r in (a, b, c))
    assert isinstance(flat, AnyOf)
    assert len(flat.parts()) == width
    assert not any(isinstance(part, AnyOf) for part in flat.parts())


@given(rules, rules, cases)
def test_and_or_commute(a: Rule, b: Rule, case: dict[str, Finding]) -> None:
    """a & b and b & a give the same finding; so do a | b and b | a."""
    assert finding(a & b, case) is finding(b & a, case)
    assert finding(a | b, case) is finding(b | a, case)


@given(rules, cases)
def test_and_or_idempotent(a: Rule, case: dict[str, Finding]) -> None:
    """a & a and a | a give a's finding."""
    assert finding(a & a, case) is finding(a, case)
    assert finding(a | a, case) is finding(a, case)


@given(rules, cases)
def test_not_applicable_is_identity(a: Rule, case: dict[str, Finding]) -> None:
    """A NOT_APPLICABLE part changes nothing: a & n and a | n give a's finding."""
    na = _clause("n")
    case = {**case, "n": N}
    assert finding(a & na, case) is finding(a, case)
    assert finding(na | a, case) is finding(a, case)


@given(rules, rules, cases)
def test_unless_is_or_except_when_rule_not_applicable(
    a: Rule, b: Rule, case: dict[str, Finding]
) -> None:
    """a.unless(b) is NOT_APPLICABLE when a is, and otherwise gives the finding of a | b."""
    if finding(a, case) is N:
        assert finding(a.unless(b), case) is N
    else:
        assert finding(a.unless(b), case) is finding(a | b, case)


@given(rules, rules, cases)
def test_unless_never_worse_than_rule(a: Rule, b: Rule, case: dict[str, Finding]) -> None:
    """The exception can only lift a failure: a PASSED or NOT_APPLICABLE rule keeps its finding."""
    found = finding(a, case)
    if found in (P, N):
        assert finding(a.unless(b), case) is found
    if found is F:
        assert finding(a.unless(b), case) in (P, F, U)


@given(rules, rules, rules, cases_without_na)
def test_distributive_without_not_applicable(
    a: Rule, b: Rule, c: Rule, case: dict[str, Finding]
) -> None:
    """With no NOT_APPLICABLE leaf, a & (b | c) gives the finding of (a & b) | (a & c)."""
    assert finding(a & (b | c), case) is finding((a & b) | (a & c), case)


def test_not_applicable_breaks_distributivity() -> None:
    """NA as identity breaks distributivity: a & (b | c) is not (a & b) | (a & c) for a=P, b=NA, c=F."""
    case = assign(a=P, b=N, c=F)
    assert finding(A & (B | C), case) is F
    assert finding((A & B) | (A & C), case) is P


@given(rules, rules, cases)
def test_all_of_passes_only_without_failed_or_unknown_parts(
    a: Rule, b: Rule, case: dict[str, Finding]
) -> None:
    """A PASSED all-of has no FAILED or UNKNOWN part and at least one PASSED part."""
    ev = (a & b).evaluate(ctx(case))
    if ev.finding is P:
        part_findings = [part.finding for part in ev.parts]
        assert F not in part_findings
        assert U not in part_findings
        assert P in part_findings


@given(rules_without_not, cases_without_pass)
def test_fail_closed_without_negation(rule: Rule, case: dict[str, Finding]) -> None:
    """A rule built with & | unless (and focus) never passes when no leaf passes."""
    assert finding(rule, case) is not P


@given(rules_without_not, cases)
def test_unknown_leaf_never_silently_passes_all_of(rule: Rule, case: dict[str, Finding]) -> None:
    """Adding an UNKNOWN leaf with & can never make the result PASSED."""
    unknown = _clause("u")
    case = {**case, "u": U}
    assert finding(rule & unknown, case) is not P


@given(rules, cases)
def test_focus_evaluates_on_view(rule: Rule, case: dict[str, Finding]) -> None:
    """Focus(name, view, r) on a case gives r's finding on view(case)."""
    assert finding(Focus("rotated", _rotated, rule), case) is finding(rule, _rotated(case))


# --------------------------------------------------------------------------
# Determining reasons
# --------------------------------------------------------------------------


def test_failed_all_of_determined_by_every_failing_leaf() -> None:
    """A FAILED all-of is determined by every failing leaf, in order, not only the first."""
    ev = AllOf.of(A, B, C, D).evaluate(ctx(assign(a=F, b=P, c=F, d=U)))
    assert ev.finding is F
    assert ids(ev.determining()) == ["a", "c"]


def test_failed_nested_all_of_collects_failures_through_any_of() -> None:
    """Failures are collected through nested parts, in depth-first order."""
    rule = (A & (B | C)) & D
    ev = rule.evaluate(ctx(assign(a=F, b=F, c=F, d=F)))
    assert ids(ev.determining()) == ["a", "b", "c", "d"]


def test_unknown_all_of_determined_by_unknown_leaves() -> None:
    """An UNKNOWN all-of is determined by its unknown leaves, in order."""
    ev = AllOf.of(A, B, C, D).evaluate(ctx(assign(a=P, b=U, c=N, d=U)))
    assert ev.finding is U
    assert ids(ev.determining()) == ["b", "d"]


def test_unless_lifted_by_exception_is_determined_by_exception() -> None:
    """An unless that passes because the exception lifted the failure is determined by the exception."""
    ev = (A & B).unless(C & D).evaluate(ctx(assign(a=F, b=P, c=P, d=P)))
    assert ev.finding is P
    assert ids(ev.determining()) == ["c", "d"]


def test_unless_lifting_unknown_is_determined_by_exception() -> None:
    """An unless whose exception passes over an unknown rule is determined by the exception."""
    ev = A.unless(B).evaluate(ctx(assign(a=U, b=P)))
    assert ev.finding is P
    assert ids(ev.determining()) == ["b"]


def test_unless_passing_rule_is_determined_by_rule() -> None:
    """An unless whose rule passes is determined by the rule's passing leaves."""
    ev = (A & B).unless(C).evaluate(ctx(assign(a=P, b=P, c=P)))
    assert ev.finding is P
    assert ids(ev.determining()) == ["a", "b"]


@pytest.mark.parametrize("exception_finding", [F, N])
def test_failed_unless_is_determined_by_rule_only(exception_finding: Finding) -> None:
    """An unless that fails is determined only by the rule's failing leaves, not the exception."""
    ev = (A & B).unless(C).evaluate(ctx(assign(a=F, b=F, c=exception_finding)))
    assert ev.finding is F
    assert ids(ev.determining()) == ["a", "b"]
    assert ids(ev.leaves()) == ["a", "b", "c"]  # the exception is still in the trace


@pytest.mark.parametrize(
    ("rule_finding", "exception_finding", "expected"),
    [(F, U, ["b"]), (U, F, ["a"]), (U, N, ["a"]), (U, U, ["a", "b"])],
)
def test_unknown_unless_is_determined_by_unknown_parts(
    rule_finding: Finding, exception_finding: Finding, expected: list[str]
) -> None:
    """An UNKNOWN unless is determined by whichever of rule and exception is unknown."""
    ev = A.unless(B).evaluate(ctx(assign(a=rule_finding, b=exception_finding)))
    assert ev.finding is U
    assert ids(ev.determining()) == expected


@pytest.mark.parametrize("inner", [P, F, U, N])
def test_not_is_determined_by_inner_leaf(inner: Finding) -> None:
    """A Not is determined by its inner leaf, whatever the finding."""
    ev = (~A).evaluate(ctx(assign(a=inner)))
    assert ids(ev.determining()) == ["a"]


def test_not_of_passed_all_of_is_determined_by_passing_leaves() -> None:
    """~(a & b) failing because both passed is determined by both passing leaves."""
    ev = (~(A & B)).evaluate(ctx(assign(a=P, b=P, c=F)))
    assert ev.finding is F
    assert ids(ev.determining()) == ["a", "b"]


def test_leaf_is_determined_by_itself() -> None:
    """A leaf evaluation is its own determining reason."""
    ev = A.evaluate(ctx(assign(a=F)))
    assert list(ev.determining()) == [ev]


@given(rules, cases)
def test_determining_are_leaves_matching_the_finding(rule: Rule, case: dict[str, Finding]) -> None:
    """determining() is a non-empty subset of the leaves, each with the node's finding up to its Nots."""
    ev = rule.evaluate(ctx(case))
    nots_by_leaf = {id(leaf): nots for nots, leaf in _not_ancestors(ev)}
    determining = list(ev.determining())
    assert determining
    for leaf in determining:
        assert leaf.check is not None
        assert id(leaf) in nots_by_leaf
        assert _flip(leaf.finding, nots_by_leaf[id(leaf)]) is ev.finding


@given(rules_without_not, cases)
def test_determining_without_negation_share_the_finding(
    rule: Rule, case: dict[str, Finding]
) -> None:
    """Without ~, every determining leaf has the root's finding."""
    ev = rule.evaluate(ctx(case))
    assert {leaf.finding for leaf in ev.determining()} == {ev.finding}


# --------------------------------------------------------------------------
# str() and labels
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (A & B & ~C, "(a & b & ~c)"),
        (A | B | C, "(a | b | c)"),
        (A.unless(B), "(a unless b)"),
        (~(A | B), "~(a | b)"),
        ((A | B) & C, "((a | b) & c)"),
        ((A & B).unless(C | D), "((a & b) unless (c | d))"),
        (~A.unless(B), "~(a unless b)"),
        (Focus("item", _rotated, A & B), "item:(a & b)"),
        (A, "a"),
    ],
)
def test_str_reads_like_the_expression(rule: Rule, text: str) -> None:
    """str(rule) reads like the expression, with clause ids."""
    assert str(rule) == text


@pytest.mark.parametrize(
    ("rule", "label"),
    [
        (A & B, "all of"),
        (A | B, "any of"),
        (~A, "not"),
        (A.unless(B), "unless"),
        (A, "a"),
        (Focus("item", _rotated, A), "on item"),
    ],
)
def test_labels(rule: Rule, label: str) -> None:
    """Each node has a short trace label; a clause's label is its id."""
    assert rule.label == label


def test_operator_types() -> None:
    """&, |, ~ and unless build AllOf, AnyOf, Not and Unless."""
    both, either, negated, excepted = A & B, A | B, ~A, A.unless(B)
    assert isinstance(both, AllOf)
    assert both.rules == (A, B)
    assert isinstance(either, AnyOf)
    assert either.rules == (A, B)
    assert isinstance(negated, Not)
    assert negated.rule == A
    assert isinstance(excepted, Unless)
    assert (excepted.rule, excepted.exception) == (A, B)


# --------------------------------------------------------------------------
# Misuse: truth values and non-rules
# --------------------------------------------------------------------------


def _use_bool(rule: Rule) -> object:
    return bool(rule)


def _use_and(rule: Rule) -> object:
    return rule and B


def _use_or(rule: Rule) -> object:
    return rule or B


def _use_not(rule: Rule) -> object:
    return not rule


def _use_if(rule: Rule) -> object:
    if rule:
        return 1
    return 0


@pytest.mark.parametrize("use", [_use_bool, _use_and, _use_or, _use_not, _use_if])
@pytest.mark.parametrize("rule", [A, A & B, A | B, ~A, A.unless(B), Focus("item", _rotated, A)])
def test_rule_has_no_truth_value(use: Callable[[Rule], object], rule: Rule) -> None:
    """bool(rule), `and`, `or`, `not` and `if rule:` raise TypeError pointing at `&`."""
    with pytest.raises(TypeError, match="`&`"):
        use(rule)


@pytest.mark.parametrize(
    "build",
    [
        lambda: A & 5,
        lambda: 5 & A,
        lambda: A | "b",
        lambda: "b" | A,
        lambda: A & True,
        lambda: True & A,
        lambda: A.unless(None),
        lambda: AllOf.of(A, 5),
        lambda: AnyOf.of("a", A),
    ],
)
def test_non_rule_operand_is_a_definition_error(build: Callable[[], object]) -> None:
    """Combining a rule with a non-rule raises PolicyDefinitionError (also a ValueError)."""
    with pytest.raises(PolicyDefinitionError, match="must be rules"):
        build()
    with pytest.raises(ValueError, match="must be rules"):
        build()


# --------------------------------------------------------------------------
# Focus
# --------------------------------------------------------------------------


def _echo_context(ctx: Context[Any]) -> Check:
    """A check that reports what it saw of the context."""
    return Check.passed(
        "seen", case=ctx.case, terms=ctx.terms, calendar=ctx.calendar, tz=str(ctx.tz)
    )


def _first(case: tuple[str, ...]) -> str:
    return case[0]


ECHO = Clause("echo", "9", "Echo.", "echo", _echo_context)


def test_focus_replaces_only_the_case() -> None:
    """Focus evaluates the inner rule with ctx.case = view(case), terms/calendar/tz unchanged."""
    outer = Context(
        case=("ring", "chain"), terms="TERMS", calendar="CAL", tz=ZoneInfo("Asia/Tokyo")
    )
    ev = Focus("first item", _first, ECHO).evaluate(outer)
    assert ev.finding is P
    (inner,) = ev.parts
    assert inner.check is not None
    assert dict(inner.check.facts) == {
        "case": "ring",
        "terms": "TERMS",
        "calendar": "CAL",
        "tz": "Asia/Tokyo",
    }
    assert outer == Context(
        case=("ring", "chain"), terms="TERMS", calendar="CAL", tz=ZoneInfo("Asia/Tokyo")
    )


def test_focus_leaves_siblings_on_the_outer_case() -> None:
    """Rules next to a Focus still see the outer case."""
    rule = Focus("first item", _first, ECHO) & ECHO
    ev = rule.evaluate(Context(case=("ring", "chain")))
    seen = [dict(leaf.check.facts)["case"] for leaf in ev.leaves() if leaf.check is not None]
    assert seen == ["ring", str(("ring", "chain"))]


def test_nested_focus_composes_views() -> None:
    """A Focus inside a Focus sees the view of the view."""
    rule = Focus("r1", _rotated, Focus("r2", _rotated, A))
    case = {"a": P, "b": F, "c": U, "d": N}
    assert finding(rule, case) is U


# --------------------------------------------------------------------------
# Equality and pickling
# --------------------------------------------------------------------------


def _always_fails(ctx: Context[Any]) -> Check:
    return Check.failed("no")


def test_clause_equality_by_id_section_sentence_code() -> None:
    """Clauses are equal when id, section, sentence and code are; the check function is ignored."""
    base = Clause("x", "1", "X.", "x_code", _echo_context)
    assert base == Clause("x", "1", "X.", "x_code", _always_fails)
    assert hash(base) == hash(Clause("x", "1", "X.", "x_code", _always_fails))
    assert base != Clause("y", "1", "X.", "x_code", _echo_context)
    assert base != Clause("x", "2", "X.", "x_code", _echo_context)
    assert base != Clause("x", "1", "Y.", "x_code", _echo_context)
    assert base != Clause("x", "1", "X.", "y_code", _echo_context)
    assert base != "x"


def test_clause_and_composite_pickle() -> None:
    """A clause and a composite rule pickle to equal values that evaluate the same."""
    case = assign(a=F, b=U, c=P)
    for rule in (A, (A & ~B).unless(C | D), Focus("rotated", _rotated, A | B), ECHO):
        copy = pickle.loads(pickle.dumps(rule))
        assert copy == rule
        assert hash(copy) == hash(rule)
        assert str(copy) == str(rule)
        assert copy.evaluate(ctx(case)) == rule.evaluate(ctx(case))


@given(rules, cases)
def test_random_rules_pickle(rule: Rule, case: dict[str, Finding]) -> None:
    """Any rule tree pickles to an equal rule with the same hash, str and evaluation."""
    copy = pickle.loads(pickle.dumps(rule, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == rule
    assert hash(copy) == hash(rule)
    assert str(copy) == str(rule)
    assert copy.evaluate(ctx(case)) == rule.evaluate(ctx(case))


# --------------------------------------------------------------------------
# Check helpers
# --------------------------------------------------------------------------


class _Metal(enum.Enum):
    GOLD = "gold"


def test_check_passed_renders_facts_as_text() -> None:
    """Check.passed sets PASSED and renders facts: dates ISO, bools yes/no, None unknown, enums by value."""
    check = Check.passed(
        "ok",
        delivered=date(2025, 1, 2),
        at=datetime(2025, 1, 2, 9, 30, tzinfo=UTC),
        worn=False,
        boxed=True,
        photo=None,
        metal=_Metal.GOLD,
        finding=Finding.NOT_APPLICABLE,
        price=Decimal("12.50"),
        days=7,
    )
    assert check.finding is P
    assert check.message == "ok"
    assert check.facts == (
        ("delivered", "2025-01-02"),
        ("at", "2025-01-02T09:30:00+00:00"),
        ("worn", "no"),
        ("boxed", "yes"),
        ("photo", "unknown"),
        ("metal", "gold"),
        ("finding", "not_applicable"),
        ("price", "12.50"),
        ("days", "7"),
    )
    assert check.missing == ()
    assert check.code is None
    assert check.customer_action is False


def test_check_failed_with_code() -> None:
    """Check.failed sets FAILED, the code override and the facts."""
    check = Check.failed("too late", code="window_closed", days=9)
    assert (check.finding, check.code, check.facts) == (F, "window_closed", (("days", "9"),))
    assert Check.failed("no").code is None


def test_check_unknown_lists_missing() -> None:
    """Check.unknown sets UNKNOWN with the missing facts and no customer action."""
    check = Check.unknown("cannot tell", "delivery date", "receipt", ordered=date(2025, 3, 1))
    assert check.finding is U
    assert check.missing == ("delivery date", "receipt")
    assert check.facts == (("ordered", "2025-03-01"),)
    assert check.customer_action is False


def test_check_incomplete_needs_customer_action() -> None:
    """Check.incomplete is UNKNOWN with customer_action=True and the missing facts."""
    check = Check.incomplete("send photos", "photos")
    assert check.finding is U
    assert check.missing == ("photos",)
    assert check.customer_action is True


def test_check_not_applicable() -> None:
    """Check.not_applicable sets NOT_APPLICABLE."""
    check = Check.not_applicable("not a custom piece", custom=False)
    assert check.finding is N
    assert check.facts == (("custom", "no"),)


def test_clause_evaluation_carries_its_check() -> None:
    """A clause's evaluation is a leaf holding the check's finding and the check itself."""
    ev = Clause("no", "0", "Never.", "never", _always_fails).evaluate(ctx(None))
    assert ev.finding is F
    assert ev.check == Check.failed("no")
    assert ev.parts == ()
    assert list(ev.leaves()) == [ev]


# --------------------------------------------------------------------------
# Evaluation traversal
# --------------------------------------------------------------------------


def test_walk_yields_every_node_depth_first() -> None:
    """walk() yields every node with its depth, depth first; leaves() only the leaves."""
    rule = (A & ~B).unless(Focus("rotated", _rotated, C | D))
    ev = rule.evaluate(ctx(assign(a=F, b=P, c=F, d=F)))
    assert [(depth, node.rule.label) for depth, node in ev.walk()] == [
        (0, "unless"),
        (1, "all of"),
        (2, "a"),
        (2, "not"),
        (3, "b"),
        (1, "on rotated"),
        (2, "any of"),
        (3, "c"),
        (3, "d"),
    ]
    assert ids(ev.leaves()) == ["a", "b", "c", "d"]


@given(rules, cases)
def test_walk_and_leaves_are_consistent(rule: Rule, case: dict[str, Finding]) -> None:
    """walk() starts at the root at depth 0, steps down one level at a time, and its leaves are leaves()."""
    ev = rule.evaluate(ctx(case))
    walked = list(ev.walk())
    assert walked[0] == (0, ev)
    for (d1, _), (d2, _) in itertools.pairwise(walked):
        assert 1 <= d2 <= d1 + 1
    assert list(ev.leaves()) == [node for _, node in walked if node.check is not None]
    assert all(isinstance(leaf.rule, Clause) for leaf in ev.leaves())
    evaluated = [leaf.rule for leaf in ev.leaves()]
    clauses = iter(rule.clauses())
    assert all(any(c == leaf for c in clauses) for leaf in evaluated)  # a subsequence


def test_clauses_lists_every_leaf_clause() -> None:
    """Rule.clauses() yields every leaf clause depth first, including exceptions not evaluated."""
    rule = (A & ~B).unless(Focus("rotated", _rotated, C | D))
    assert list(rule.clauses()) == [A, B, C, D]


def test_the_reason_of_a_result_computed_once_is_shared() -> None:
    """A yes/no clause's reasons are built once: two decisions citing the same result share
    one immutable Reason; the same clause under a new id gives reasons of its own id."""
    from dataclasses import replace

    from atlier_policy.clauses import non_returnable
    from atlier_policy.policy import default_policy
    from builders import at, item, return_item, return_request

    engraved = return_request(items=(return_item(item=item(engraved=True)),))
    policy = default_policy()
    (first,) = policy.evaluate(engraved).items  # type: ignore[union-attr]
    (second,) = policy.evaluate(engraved).items  # type: ignore[union-attr]
    a = next(r for r in first.reasons if r.clause_id == "s2.engraved")
    b = next(r for r in second.reasons if r.clause_id == "s2.engraved")
    assert a is b
    # A decision of another pattern (the same piece, asked for late) cites it too: the
    # reason is the result's own, not one built per pattern.
    late = return_request(at("2025-04-30"), items=engraved.items)
    (third,) = policy.evaluate(late).items  # type: ignore[union-attr]
    assert "return_window_expired" in [r.code for r in third.reasons]
    assert next(r for r in third.reasons if r.clause_id == "s2.engraved") is a
    renamed = replace(non_returnable.ENGRAVED, id="acme.engraved")
    other = policy.replace_clause("s2.engraved", renamed).evaluate(engraved)
    (d,) = other.items  # type: ignore[union-attr]
    r = next(r for r in d.reasons if r.code == "engraved")
    assert (r.clause_id, r.message) == ("acme.engraved", a.message)


# --------------------------------------------------------------------------
# The speed paths: compiled rules and explanations shared per pattern
# --------------------------------------------------------------------------


def _extend_then(children: st.SearchStrategy[Rule]) -> st.SearchStrategy[Rule]:
    pairs = st.tuples(children, children)
    return st.one_of(_extend(children, negation=True), pairs.map(lambda p: Then(p[0], p[1])))


any_rules = st.recursive(leaves, _extend_then, max_leaves=8)


@given(any_rules, cases)
def test_a_compiled_rule_evaluates_as_the_rule(rule: Rule, case: dict[str, Finding]) -> None:
    """Law: compiling changes nothing: the same evaluation, node for node."""
    assert compile_rule(rule)(ctx(case)) == rule.evaluate(ctx(case))


@given(any_rules, st.lists(cases, min_size=1, max_size=6), st.integers(1, 4))
def test_a_shared_explanation_is_the_explanation(
    rule: Rule, seen: list[dict[str, Finding]], limit: int
) -> None:
    """Law: whatever came before (patterns seen, the limit reached), the explanation read
    through ``Patterns`` is the one ``explain`` derives from the evaluation alone."""
    patterns = Patterns(limit)
    for case in seen:
        ev = rule.evaluate(ctx(case))
        assert patterns.explain(ev, rule) == explain(ev)
    assert len(patterns) <= limit


def test_an_explanation_of_results_computed_once_is_shared_whole() -> None:
    """Where every result is computed once (``Check.for_clause``), the whole explanation is
    too: built at the first evaluation of the pattern, the same value at every later one."""
    yes = Check.passed("yes").for_clause("s.yes", "9", "Yes.", "yes_code")
    clause = Clause("s.yes", "9", "Yes.", "yes_code", lambda ctx: yes)
    rule = clause & ~~clause
    patterns = Patterns()
    first = patterns.explain(rule.evaluate(ctx({})), rule)
    assert first == explain(rule.evaluate(ctx({})))
    assert first[0] == (yes.shared,)
    assert patterns.explain(rule.evaluate(ctx({})), rule) is first
    assert len(patterns) == 1
    open_ = Check.unknown("not known", "x").for_clause("s.open", "9", "Open.", "open_code")
    unknown = Clause("s.open", "9", "Open.", "open_code", lambda ctx: open_)
    both = clause & unknown
    ev = both.evaluate(ctx({}))
    assert patterns.explain(ev, both) == explain(ev)
    assert patterns.explain(ev, both)[2] == ("x",)


def test_patterns_remember_at_most_limit_rule_trees() -> None:
    """Bounded memory: at most ``limit`` rules are kept (a template is made only for a
    rule kept, whose identity is its key); the evaluations of a rule past the limit are
    explained afresh, and alike."""
    patterns = Patterns(2)
    for rule in (A & B, A | B, ~(A & B), (A & B).unless(B)):
        for _ in range(2):
            ev = rule.evaluate(ctx(assign(a=P, b=F)))
            assert patterns.explain(ev, rule) == explain(ev)
    assert (len(patterns), len(patterns._plain)) == (2, 2)


@dataclass(frozen=True, slots=True)
class _Lenient(Rule):
    """A merchant's rule that hands back its part's evaluation, a failure made unknown."""

    rule: Rule

    def parts(self) -> tuple[Rule, ...]:
        return (self.rule,)

    def evaluate(self, context: Context[Any]) -> Evaluation:
        ev = self.rule.evaluate(context)
        return ev._replace(finding=U) if ev.finding is F and context.case["lenient"] else ev


def test_a_pattern_keeps_its_rule_alive() -> None:
    """A pattern is keyed by its rule's identity: the patterns keep the rule alive, so
    that no new rule made where a freed one was can be taken for it."""
    rule = A & ~B
    ev = rule.evaluate(ctx(assign(a=P, b=F)))
    held = sys.getrefcount(rule)
    patterns = Patterns()
    patterns.explain(ev, rule)
    assert sys.getrefcount(rule) == held + 1
    del patterns
    assert sys.getrefcount(rule) == held


def test_an_evaluation_reworked_by_a_merchant_rule_is_explained_afresh() -> None:
    """The evaluation a merchant's rule gives is explained as it is, even where its root
    is a built-in rule's node with the same results underneath as a case seen before."""
    rule = _Lenient(A & B)
    patterns = Patterns()
    for lenient in (False, True):
        ev = rule.evaluate(ctx({**assign(a=F, b=U), "lenient": lenient}))
        assert patterns.explain(ev, rule) == explain(ev)
    assert (len(patterns), len(patterns._plain)) == (0, 0)  # nothing of it kept


def test_an_explanation_without_patterns_is_derived_afresh() -> None:
    rule = A & ~B
    ev = rule.evaluate(ctx(assign(a=P, b=U)))
    for made in (Explanation(ev), Explanation(ev, (), None, rule)):
        assert (made.reasons, made.trace, made.missing) == explain(ev)


def test_whether_a_rule_tree_is_built_in_is_asked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules are immutable: whether a rule's tree is of built-in types throughout (so that
    its evaluations can share templates) is asked once per rule, not per decision."""
    from atlier_policy import rules

    asked: list[Rule] = []

    def plain(rule: Rule) -> bool:
        asked.append(rule)
        return real(rule)

    real = rules._plain
    monkeypatch.setattr(rules, "_plain", plain)
    patterns = Patterns()
    rule = A & ~B
    for case in (assign(a=P, b=F), assign(a=F, b=P), assign(a=P, b=F)):
        ev = rule.evaluate(ctx(case))
        assert patterns.explain(ev, rule) == explain(ev)
    assert [r for r in asked if r is rule] == [rule]  # its parts are asked within


@given(any_rules, any_rules, st.lists(cases, min_size=1, max_size=4))
def test_one_patterns_serves_many_rules(
    first: Rule, second: Rule, seen: list[dict[str, Finding]]
) -> None:
    """Law: a pattern names its rules: the patterns of one policy's rule sets never stand
    in for one another, whatever their findings."""
    patterns = Patterns()
    for case in seen:
        for rule in (first, second):
            ev = rule.evaluate(ctx(case))
            assert patterns.explain(ev, rule) == explain(ev)


@dataclass(frozen=True, slots=True)
class _WorstOf(Rule):
    """A merchant's all-of whose determining failure is the one with the highest amount:
    what decides reads the results' facts, not only their findings."""

    rules: tuple[Rule, ...]

    def parts(self) -> tuple[Rule, ...]:
        return self.rules

    def evaluate(self, context: Context[Any]) -> Evaluation:
        evs = tuple(r.evaluate(context) for r in self.rules)
        found = F if any(e.finding is F for e in evs) else P
        return Evaluation(self, found, evs)

    def _determining(self, ev: Evaluation) -> Iterator[Evaluation]:
        failed = [p for p in ev.parts if p.finding is F and p.check is not None]
        if failed:
            worst = max(failed, key=lambda p: int(dict(p.check.facts)["amount"]))  # type: ignore[union-attr]
            yield from worst.determining()


def _amount(clause_id: str, ctx: Context[Any]) -> Check:
    return Check.failed(clause_id, amount=ctx.case[clause_id])


def test_a_rule_type_of_its_own_is_explained_afresh() -> None:
    """A merchant's rule type may choose what decides from the results themselves: its
    evaluations are never explained from another case's template."""
    fee_a, fee_b = (Clause(f"t.{n}", "9", "T.", n, functools.partial(_amount, n)) for n in "ab")
    rule = _WorstOf((fee_a, fee_b))
    patterns = Patterns()
    for a, b in ((1, 9), (9, 1)):
        ev = rule.evaluate(ctx({"a": a, "b": b}))
        assert patterns.explain(ev, rule) == explain(ev)
    assert len(patterns) == 0


class _Answer:
    """A check that a weak reference can watch: it answers one result, computed once."""

    def __init__(self, result: Check) -> None:
        self.result = result

    def __call__(self, _ctx: Context[Any]) -> Check:
        return self.result


def test_a_pattern_keeps_what_its_key_names_alive() -> None:
    """A pattern is keyed by identities: it keeps the rules it names alive, so that no
    new rule made where a freed one was can be mistaken for it."""
    patterns = Patterns()
    answer = _Answer(Check.passed("yes").for_clause("t.w", "9", "T.", "w"))
    clause = Clause("t.w", "9", "T.", "w", answer)
    both = clause & clause
    patterns.explain(both.evaluate(ctx({})), both)
    watched = weakref.ref(answer)
    del answer, clause
    gc.collect()
    assert watched() is not None


def test_a_rule_that_borrows_a_clauses_evaluate_is_compiled_as_its_own() -> None:
    """Only clauses are called by their check: a rule of another type that borrows the
    clause's ``evaluate`` is evaluated as it says, never dropped."""

    class Borrowed(Rule):
        __slots__ = ()
        evaluate = Clause.evaluate  # type: ignore[assignment]
        check = staticmethod(lambda _ctx: Check.failed("borrowed"))

    rule = AllOf((A, Borrowed()))
    case = ctx({"a": P})
    assert compile_rule(rule)(case).finding is F


def test_missing_facts_are_those_of_unknown_results() -> None:
    """A result that decided (passed or failed) names no missing fact, whatever it carries."""
    odd = Clause("t.odd", "9", "T.", "odd", lambda c: Check(F, "no", missing=("x",)))
    assert explain(odd.evaluate(ctx({})))[2] == ()
    unknown = Clause("t.u", "9", "T.", "u", lambda c: Check(U, "?", missing=("x",)))
    assert explain((odd & unknown).evaluate(ctx({})))[2] == ("x",)


def _own_type(base: type[Rule]) -> type[Rule]:
    """A merchant's subclass of a built-in rule type that evaluates in its own way (the
    base's evaluation, its finding turned over)."""

    def evaluate(self: Rule, context: Context[Any]) -> Evaluation:
        ev = base.evaluate(self, context)  # type: ignore[arg-type]
        return Evaluation(self, ~ev.finding, ev.parts, ev.check)

    return type(f"Own{base.__name__}", (base,), {"__slots__": (), "evaluate": evaluate})


OWN = {base: _own_type(base) for base in (Clause, AllOf, AnyOf, Not, Unless, Then, Focus)}


def _owned(rule: Rule) -> Rule:
    """``rule`` with every node re-made as its type's merchant subclass."""
    own = OWN[type(rule)]
    if isinstance(rule, Clause):
        return own(rule.id, rule.section, rule.sentence, rule.code, rule.check)  # type: ignore[call-arg]
    if isinstance(rule, AllOf | AnyOf):
        return own(tuple(_owned(p) for p in rule.rules))  # type: ignore[call-arg]
    if isinstance(rule, Focus):
        return own(rule.name, rule.view, _owned(rule.rule))  # type: ignore[call-arg]
    return own(*(_owned(p) for p in rule.parts()))  # type: ignore[call-arg]


@given(any_rules, cases)
@example(A & B, dict.fromkeys(LEAF_IDS, P))
@example(A | B, dict.fromkeys(LEAF_IDS, P))
@example(~A, dict.fromkeys(LEAF_IDS, P))
@example(A.unless(B), dict.fromkeys(LEAF_IDS, F))
@example(Then(A, B), dict.fromkeys(LEAF_IDS, P))
@example(Focus("rotated", _rotated, A), dict.fromkeys(LEAF_IDS, P))
def test_a_merchants_subclass_of_a_built_in_type_is_called_as_it_is(
    rule: Rule, case: dict[str, Finding]
) -> None:
    """Law: a subclass that evaluates in its own way is never compiled as its base: the
    compiled evaluation equals the subclass's own."""
    owned = _owned(rule)
    assert compile_rule(owned)(ctx(case)) == owned.evaluate(ctx(case))


def _calendar_and_zone(ctx: Context[Any]) -> Check:
    return Check.passed(f"{ctx.calendar} {ctx.tz}")


def test_a_focused_rule_sees_the_calendar_and_the_zone() -> None:
    """A rule judged on a view of the case keeps the policy's calendar and store zone."""
    clause = Clause("t.cal", "9", "T.", "cal", _calendar_and_zone)
    rule = Focus("rotated", _rotated, clause)
    context = Context(dict.fromkeys(LEAF_IDS, P), None, "the calendar", ZoneInfo("UTC"))
    ev = compile_rule(rule)(context)
    assert ev == rule.evaluate(context)
    assert ev.parts[0].check.message == "the calendar UTC"  # type: ignore[union-attr]


class _Bare(Rule):
    """A merchant's rule that finds without parts or a check of its own."""

    __slots__ = ()

    def evaluate(self, context: Context[Any]) -> Evaluation:
        return Evaluation(self, P)


def test_a_bare_finding_is_explained_as_it_is() -> None:
    ev = _Bare().evaluate(ctx({}))
    assert Patterns().explain(ev, _Bare()) == explain(ev) == ((), (explain(ev)[1][0],), ())


def test_a_pattern_keeps_the_results_it_names() -> None:
    """The results a pattern names by identity (those computed once) are kept with it, so
    none is freed and its identity reused by another while the pattern is cached."""
    result = Check.passed("yes").for_clause("t.k", "9", "T.", "k")
    clause = Clause("t.k", "9", "T.", "k", functools.partial(_same_result, result))
    patterns = Patterns()
    rule = clause & ~~clause
    patterns.explain(rule.evaluate(ctx({})), rule)
    held = sys.getrefcount(result)
    del patterns
    gc.collect()
    assert sys.getrefcount(result) < held


def _same_result(result: Check, _ctx: Context[Any]) -> Check:
    return result


def test_a_merchant_combinator_stays_a_node_of_its_own() -> None:
    """``&``, ``|`` and ``~`` merge or cancel only the built-in combinators: a merchant's
    subclass of one is a rule of its own wherever it is combined."""
    mine = AtLeast((A, B))
    case = assign(a=P, b=F)
    assert finding(mine, case) is P
    assert (A & mine).parts() == (A, mine)  # not all of (A, A, B), which fails
    assert finding(A & mine, case) is P
    assert (mine | B).parts() == (mine, B)
    assert AllOf.of(mine, AllOf((B,))).parts() == (mine, B)
    unlikely = Unlikely(A)
    assert (~unlikely).parts() == (unlikely,)  # a "not" of it, not A
    assert ~Not(A) is A


def test_a_trace_entry_built_without_a_message_has_an_empty_one() -> None:
    """``message`` defaults to empty, as the field declares (a merchant's rule may give
    none); the written-out ``__init__`` keeps that default."""
    entry = TraceEntry(depth=0, rule="r", finding=P)
    assert entry.message == ""
    assert entry == TraceEntry(depth=0, rule="r", finding=P, message="")
