"""Hostile input: every input gets a clear error or a decision, with bounded work."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from atlier_policy import (
    DateOutOfRangeError,
    InputError,
    OrderDecision,
    Policy,
    default_policy,
    evaluate,
)
from atlier_policy.clauses import eligibility
from atlier_policy.cli import main
from atlier_policy.codec import case_from_dict, case_from_json
from atlier_policy.limits import MAX_ITEMS, MAX_PROBLEMS_RECORDED, MAX_PROBLEMS_SHOWN
from atlier_policy.rules import Not, Rule
from builders import return_request

ROOT = Path(__file__).parent.parent
RETURN = json.loads((ROOT / "examples" / "return_request_eligible.json").read_text())
INSPECTION = json.loads((ROOT / "examples" / "inspection_refund_approved.json").read_text())


@pytest.mark.parametrize(
    "instant",
    ["9999-12-31T23:59:00-12:00", "0001-01-01T00:00:00+14:00", "1899-12-31T12:00:00+00:00"],
)
def test_years_outside_the_supported_range(instant: str) -> None:
    """Instants near the ends of Python's calendar are refused by name, not by an overflow."""
    doc = copy.deepcopy(RETURN)
    doc["requested_at"] = instant
    with pytest.raises(InputError, match="`requested_at` must be in the years 1900-2999"):
        evaluate(doc)


def test_refund_window_beyond_the_holiday_data() -> None:
    """An approval in a year the holiday data does not cover names the case's field."""
    doc = copy.deepcopy(INSPECTION)
    doc["inspected_at"] = "2500-06-01T12:00:00+00:00"
    with pytest.raises(DateOutOfRangeError) as info:
        evaluate(doc)
    message = str(info.value)
    assert message.startswith("business calendar: `inspected_at` must be a day whose refund window")
    assert "within the years 1777-2100" in message
    assert message.endswith("(got '2500-06-01')")


def test_the_most_items() -> None:
    """The largest accepted request (MAX_ITEMS, 1,000 items) is decided, item by item."""
    doc = copy.deepcopy(RETURN)
    doc["items"] = doc["items"] * MAX_ITEMS
    result = evaluate(doc)
    assert isinstance(result, OrderDecision)
    assert result.counts == {"eligible_pending_inspection": MAX_ITEMS}


def test_one_item_too_many() -> None:
    """MAX_ITEMS + 1 items are refused before any evaluation, by the codec and the class."""
    doc = copy.deepcopy(RETURN)
    doc["items"] = doc["items"] * (MAX_ITEMS + 1)
    with pytest.raises(InputError, match=f"at most {MAX_ITEMS} entries"):
        evaluate(doc)
    with pytest.raises(InputError, match=f"a tuple of 1 to {MAX_ITEMS} ReturnItem"):
        replace(case_from_dict(RETURN), items=case_from_dict(RETURN).items * (MAX_ITEMS + 1))


@pytest.mark.parametrize(
    "text",
    [
        '{"stage": "lost_parcel", "order_id": "A", "insured": 1e999999}',
        '{"stage": "lost_parcel", "order_id": "A", "insured": -1e-999999}',
        '{"stage": "lost_parcel", "order_id": "' + "x" * 2_000_000 + '"}',
        "[" * 50_000 + "]" * 50_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        '{"stage": "lost_parcel", "order_id": 1' + "0" * 10_000 + "}",
    ],
    ids=[
        "huge exponent",
        "tiny exponent",
        "2 MB string",
        "deep arrays",
        "deep objects",
        "10k-digit int",
    ],
)
def test_pathological_json(text: str) -> None:
    """Pathological JSON gives our input error."""
    with pytest.raises(InputError):
        case_from_json(text)


def test_cli_refuses_oversized_batch_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A batch line over the per-case size limit becomes an error record; the run goes on."""
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"stage": "lost_parcel", "order_id": "'
        + "x" * (1 << 20)
        + '"}\n{"stage": "lost_parcel", "order_id": "B", "status": "lost",'
        ' "shipped_at": "2025-03-06T12:00:00-05:00"}\n'
    )
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out)]) == 0
    first, second = (json.loads(line) for line in out.read_text().splitlines())
    assert first["problems"][0]["field"] == "line"
    assert second["outcome"] == "no_refund_parcel_lost"


def _unknown_keys(n: int) -> str:
    """A lost-parcel case with ``n`` unknown keys: ``n`` problems."""
    return (
        '{"stage": "lost_parcel", "order_id": "A"' + "".join(f', "k{i}": 0' for i in range(n)) + "}"
    )


def test_many_problems_give_a_bounded_record_and_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line with 20,000 problems gives an error record that lists MAX_PROBLEMS_RECORDED of
    them and counts the rest, and a message naming MAX_PROBLEMS_SHOWN (the record was 2 MB,
    and `evaluate` printed a line of 1 MB)."""
    src = tmp_path / "in.jsonl"
    src.write_text(_unknown_keys(20_000) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out)]) == 0
    (line,) = out.read_text().splitlines()
    assert len(line) < 20_000
    record = json.loads(line)
    assert len(record["problems"]) == MAX_PROBLEMS_RECORDED
    assert record["more_problems"] == 20_000 - MAX_PROBLEMS_RECORDED
    assert record["problems"][0] == {
        "field": "k0",
        "expected": "absent (unknown key)",
        "given": "0",
    }
    assert record["error"].count("must be") == MAX_PROBLEMS_SHOWN
    assert record["error"].endswith(f"; and {20_000 - MAX_PROBLEMS_SHOWN} more problems")
    capsys.readouterr()
    assert main(["evaluate", str(src)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert len(err) < 5_000
    with pytest.raises(InputError) as info:
        case_from_json(_unknown_keys(20_000))
    assert len(info.value.problems) == 20_000  # the exception keeps every problem


def test_one_problem_more_than_a_message_names() -> None:
    """MAX_PROBLEMS_SHOWN problems are all named; one more is counted, in the singular."""
    problems = tuple((f"f{i}", "x", "y") for i in range(MAX_PROBLEMS_SHOWN + 1))
    assert "more" not in str(InputError(problems[:-1]))
    assert str(InputError(problems)).endswith("`f19` must be x (got y); and 1 more problem")


def test_no_eval_exec_or_unpickling_in_the_package() -> None:
    """The package never evaluates code or unpickles data it is given."""
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "atlier_policy").rglob("*.py"))
    assert not re.search(r"\b(eval|exec)\(|pickle\.loads?\(|marshal\.loads?\(|yaml\.load\(", source)


def _deep_policy(pairs: int) -> Policy:
    """The text's policy with a merchant's rule of ``2 * pairs`` nested "not"s."""
    deep: Rule = eligibility.UNUSED
    for _ in range(pairs):
        deep = Not(Not(deep))  # written out: `~~rule` would cancel
    return default_policy().with_rule("return_rule", deep)


def _evaluates(pairs: int) -> bool:
    try:
        _deep_policy(pairs).return_request(return_request())
    except RecursionError:
        return False
    return True


def test_a_tree_deep_enough_to_evaluate_is_deep_enough_to_rewrite() -> None:
    """Rewriting takes no more stack a level than evaluating: the deepest merchant tree
    this interpreter evaluates (found here: Python 3.12 allows less C recursion than
    3.11) can have its clauses swapped (not a RecursionError). Here, not with the
    merchant tests: mutation testing's wrappers add frames to every call."""
    lo, hi = 0, 1000  # pairs of "not": lo evaluates, hi does not (or is the bound)
    while hi - lo > 10:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _evaluates(mid) else (lo, mid)
    assert lo >= 150  # a tree of 300 levels at least: the law is not tested on toys
    policy = _deep_policy(lo)
    assert policy.return_request(return_request()).items[0].granted
    acme = replace(eligibility.UNUSED, id="acme.unused")
    swapped = policy.replace_clause(eligibility.UNUSED.id, acme)
    assert acme in swapped.return_rule.clauses()
    assert eligibility.UNUSED not in swapped.return_rule.clauses()
    assert swapped.return_request(return_request()).items[0].granted
