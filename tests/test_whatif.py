"""What-if analysis: the same cases under two policies, and what changes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests import builders as b
from tests.strategies import any_complete_case

from atlier_policy import Decision, InputError, OrderDecision, default_policy
from atlier_policy.cases import SalesChannel
from atlier_policy.codec import case_from_dict
from atlier_policy.decision import DefectClaimOutcome, ReturnOutcome, Role, Stage
from atlier_policy.policy import Case
from atlier_policy.versions import default_versions
from atlier_policy.whatif import Comparison, compare, compare_case

EXAMPLES = sorted(Path(__file__).parent.parent.joinpath("examples").glob("*.json"))
TEXT = default_policy()
FOURTEEN = default_policy(version="14-day", return_window_days=14)


def _late(days_after: int) -> Any:
    """A return requested ``days_after`` delivery (2025-03-03)."""
    return b.return_request(b.DELIVERED + b.days(days_after))


def test_unchanged_pairs_may_be_counted_instead_of_kept() -> None:
    """A comparison that keeps only the pairs that differ (as `atlier-policy diff` does, so
    that its memory follows the changes) and counts the others by (stage, outcome) reads
    exactly as the one that keeps every pair: counts, transitions, groups, summary."""
    full = compare([_late(10), _late(3), _late(1), b.defect_claim(), b.defect_claim()], TEXT, TEXT)
    kept = tuple(d for d in full.decisions if d.differs)
    assert kept == ()  # the same policy twice: nothing differs
    full = compare([_late(10), _late(3), _late(1), b.defect_claim(), b.parcel()], TEXT, FOURTEEN)
    kept = tuple(d for d in full.decisions if d.differs)
    left = [d for d in full.decisions if not d.differs]
    assert 0 < len(kept) < len(full.decisions)
    counted: dict[tuple[str, Any], int] = {}
    for d in left:
        counted[(d.stage, d.baseline)] = counted.get((d.stage, d.baseline), 0) + 1
    tallied = replace(
        full, decisions=kept, unchanged=tuple((s, o, n) for (s, o), n in counted.items())
    )
    assert tallied.total == len(full.decisions)
    assert tallied.transitions == full.transitions
    assert tallied.groups == full.groups
    assert tallied.summary() == full.summary()
    assert tallied.to_dict() == full.to_dict()
    assert full.to_dict()["blank_lines"] is None
    assert replace(tallied, blank_lines=2).summary().split("\n")[1].endswith("; 2 blank lines")


def test_a_wider_window_turns_late_returns_eligible() -> None:
    """§1 "within 7 days of delivery": 10 days late under 7, in time under a 14-day candidate."""
    result = compare([_late(10), _late(3), b.defect_claim()], TEXT, FOURTEEN)
    assert (result.cases, len(result.decisions)) == (3, 3)
    (change,) = result.changes
    assert (change.case, change.order_id, change.sku, change.stage) == (
        0,
        "A-1001",
        "RING-7",
        Stage.RETURN_REQUEST,
    )
    assert (change.baseline, change.candidate) == (
        ReturnOutcome.NOT_ELIGIBLE,
        ReturnOutcome.ELIGIBLE_PENDING_INSPECTION,
    )
    assert change.outcome_changed
    assert change.reasons_removed == ("return_window_expired",)
    assert change.reasons_added == ()
    assert (change.baseline_version, change.candidate_version) == ("2025-01-12", "14-day")
    # In time under both, but the last day to request moves from 2025-03-10 to 2025-03-17.
    in_time = result.decisions[1]
    assert not in_time.changed
    assert in_time.obligations_changed
    # The defect claim (§3) is decided alike; its obligations name the last day to return.
    assert not result.decisions[2].changed
    assert result.decisions[2].obligations_changed
    (group,) = result.groups
    assert (group.code, group.effect, group.count) == ("return_window_expired", "removed", 1)
    assert result.transitions == {
        (
            Stage.RETURN_REQUEST,
            ReturnOutcome.NOT_ELIGIBLE,
            ReturnOutcome.ELIGIBLE_PENDING_INSPECTION,
        ): 1,
        (
            Stage.RETURN_REQUEST,
            ReturnOutcome.ELIGIBLE_PENDING_INSPECTION,
            ReturnOutcome.ELIGIBLE_PENDING_INSPECTION,
        ): 1,
        (
            Stage.DEFECT_CLAIM,
            DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION,
            DefectClaimOutcome.ACCEPTED_PENDING_INSPECTION,
        ): 1,
    }


def test_a_shorter_defect_notice_adds_a_reason() -> None:
    """§3 "within 3 days of delivery": a 1-day candidate refuses a claim made on day 2."""
    claim = b.defect_claim(reported_at=b.at("2025-03-05"), photos_sent_at=b.at("2025-03-05"))
    result = compare([claim], TEXT, default_policy(defect_notice_days=1))
    (change,) = result.changes
    assert change.candidate is DefectClaimOutcome.NOT_COVERED
    assert "defect_notice_late" in change.reasons_added
    assert str(change) == (
        "case 0, order A-1001, item RING-7 (defect claim): accepted pending inspection -> "
        "not covered [" + " ".join(f"+{c}" for c in change.reasons_added) + "]"
    )


def test_reasons_only_change() -> None:
    """An engraved piece (§2) returned late: refused either way, for one reason fewer."""
    engraved = b.return_item(item=b.item(engraved=True))
    case = b.return_request(b.at("2025-03-13"), items=(engraved,))
    (change,) = compare([case], TEXT, FOURTEEN).changes
    assert not change.outcome_changed
    assert change.changed
    assert change.baseline_reasons == ("return_window_expired", "engraved")
    assert change.candidate_reasons == ("engraved",)


def test_records_for_a_dataframe() -> None:
    """One flat row per item decision; multi-item orders give one row per item."""
    docs = [json.loads(p.read_text("utf-8")) for p in EXAMPLES]
    result = compare([case_from_dict(d) for d in docs], TEXT, FOURTEEN)
    rows = result.to_records()
    items = sum(len(d.get("items", [None])) if d["stage"] == "return_request" else 1 for d in docs)
    assert len(rows) == len(result.decisions) == items
    assert result.cases == len(docs)
    assert set(rows[0]) == {
        "case",
        "order_id",
        "sku",
        "stage",
        "baseline_outcome",
        "candidate_outcome",
        "changed",
        "outcome_changed",
        "obligations_changed",
        "baseline_reason_codes",
        "candidate_reason_codes",
        "reasons_added",
        "reasons_removed",
        "baseline_version",
        "candidate_version",
    }
    assert all(isinstance(v, str | int | bool | type(None)) for r in rows for v in r.values())
    doc = result.to_dict()
    assert doc["decisions"] == len(rows)
    assert sum(t["count"] for t in doc["transitions"]) == len(rows)
    assert doc["changed"] == len(doc["changes"]) == len(result.changes)
    json.dumps(doc)  # JSON-ready


def test_summary_reads_well() -> None:
    result = compare([_late(10), _late(9), _late(8), _late(1)], TEXT, FOURTEEN)
    text = result.summary(limit=2)
    assert text.splitlines()[:4] == [
        "what-if: version 2025-01-12 -> version 14-day",
        "4 cases, 4 decisions: 3 change outcome, 0 change reasons only, "
        "1 change obligations only, 0 unchanged",
        "by outcome and reason code:",
        "       3  return request: not eligible -> eligible pending inspection  -return_window_expired",
    ]
    assert "changes:" in text
    assert "  case 0, order A-1001, item RING-7 (return request): not eligible -> " in text
    assert "  ... and 1 more\nobligations only:\n" in text
    # The request 1 day after delivery: eligible under both, with another last day (§1).
    assert text.endswith(
        "obligations only:\n  case 3, order A-1001, item RING-7 (return request): "
        "eligible pending inspection -> eligible pending inspection"
    )
    doc = result.to_dict()
    assert doc["obligations_only"] == 1
    assert [r["case"] for r in doc["obligation_changes"]] == [3]
    assert str(result) == result.summary()
    same = compare([_late(1)], TEXT, TEXT)
    assert str(same).splitlines() == [
        "what-if: version 2025-01-12 -> version 2025-01-12",
        "1 case, 1 decision: 0 change outcome, 0 change reasons only, "
        "0 change obligations only, 1 unchanged",
    ]


def test_errors_are_listed() -> None:
    """The CLI keeps going past bad lines; the summary lists them."""
    result = Comparison(baseline="a", candidate="b", cases=2, decisions=(), errors=((2, "bad"),))
    assert result.summary().splitlines() == [
        "what-if: a -> b",
        "2 cases, 0 decisions: 0 change outcome, 0 change reasons only, "
        "0 change obligations only, 0 unchanged; "
        "1 case with errors",
        "  error in case 2: bad",
    ]
    assert result.to_dict()["errors"] == [{"case": 2, "error": "bad"}]


def test_dict_cases_and_bad_cases() -> None:
    """Cases given as JSON documents still work (deprecated: decode with the codec); a bad
    one raises an InputError naming its position."""
    doc = {"stage": "lost_parcel", "order_id": "P-1", "status": "lost"}
    with pytest.warns(DeprecationWarning, match="atlier_policy.codec.case_from_dict"):
        assert compare([doc], TEXT, FOURTEEN).decisions[0].stage is Stage.LOST_PARCEL
    with (
        pytest.warns(DeprecationWarning, match="codec"),
        pytest.raises(InputError, match=r"^case 1: case: `stage` must be one of"),
    ):
        compare([doc, {"stage": "x"}], TEXT, FOURTEEN)
    with pytest.raises(InputError, match=r"^case 0: evaluate: `case` must be a case"):
        compare(["not a case"], TEXT, FOURTEEN)  # type: ignore[list-item]


class _Flip:
    """A stand-in evaluator: the policy's decision with its outcome replaced."""

    def __init__(self, raise_plain: bool = False) -> None:
        self.raise_plain = raise_plain

    def evaluate(self, case: Case) -> Decision | OrderDecision:
        if self.raise_plain:
            raise InputError.single("x", "y", "z")
        result = TEXT.evaluate(case)
        assert isinstance(result, Decision)
        return replace(result, outcome=DefectClaimOutcome.NEEDS_REVIEW)


def test_any_evaluator_and_a_change_without_new_reasons() -> None:
    """An outcome that changes with the same reason codes is grouped under no code."""
    result = compare([b.defect_claim()], TEXT, _Flip())
    assert result.candidate == "_Flip"
    (group,) = result.groups
    assert (group.code, group.effect) == ("", "none")
    assert "(same reason codes)" in result.summary()
    assert group.to_record()["reason_code"] == ""
    with pytest.raises(InputError, match=r"^case 0: `x` must be y"):
        compare([b.defect_claim()], TEXT, _Flip(raise_plain=True))


def test_registries_compare_too() -> None:
    """A registry of versions is a policy too: each case under its own version."""
    later = default_policy(
        version="2026-01-01", effective_date=date(2026, 1, 1), return_window_days=14
    )
    versions = default_versions().with_version(later)
    result = compare([_late(10)], TEXT, versions, baseline_name="today")
    assert (result.baseline, result.candidate) == ("today", "versions 2025-01-12, 2026-01-01")
    assert not result.changes  # bought in February 2025: the text's version applies
    assert compare_case(_late(10), TEXT, versions, label=7)[0].case == 7


# --- laws ---------------------------------------------------------------------------------

cases = st.lists(any_complete_case, min_size=0, max_size=4)


@given(cases)
def test_a_policy_compared_with_itself_changes_nothing(batch: list[Any]) -> None:
    result = compare(batch, TEXT, TEXT)
    assert result.changes == ()
    assert result.groups == ()
    assert not any(d.obligations_changed for d in result.decisions)
    assert all(b_ == c for (_, b_, c) in result.transitions)


@given(cases, st.integers(min_value=0, max_value=30))
def test_counts_add_up(batch: list[Any], window: int) -> None:
    """Every case is counted; the transitions count every item decision once."""
    result = compare(batch, TEXT, default_policy(return_window_days=window))
    assert result.cases == len(batch)
    assert sum(result.transitions.values()) == len(result.decisions) == len(result.to_records())
    assert len(result.decisions) >= len(batch)
    moved = sum(d.outcome_changed for d in result.decisions)
    assert moved == sum(n for (_, x, y), n in result.transitions.items() if x != y)


@given(cases, st.integers(min_value=7, max_value=30))
def test_a_wider_window_never_takes_a_grant_away(batch: list[Any], window: int) -> None:
    """§1: lengthening the return window can only make more requests timely."""
    result = compare(batch, TEXT, default_policy(return_window_days=window))
    for d in result.decisions:
        assert d.baseline.role is not Role.GRANTED or d.candidate.role is Role.GRANTED


# --- the documentation's examples ---------------------------------------------------------

ROOT = Path(__file__).parent.parent
DOC_EXAMPLES = [
    (doc, code, expected)
    for doc in ("whatif.md", "versions.md")
    for code, expected in re.findall(
        r"```python\n(.*?)```\n\n```text\n(.*?)```", (ROOT / "docs" / doc).read_text("utf-8"), re.S
    )
]


def test_docs_have_examples() -> None:
    assert [doc for doc, _, _ in DOC_EXAMPLES] == ["whatif.md", "versions.md"]


@pytest.mark.parametrize(("doc", "code", "expected"), DOC_EXAMPLES, ids=["whatif", "versions"])
def test_doc_example_prints_what_the_doc_says(doc: str, code: str, expected: str) -> None:
    """docs/whatif.md and docs/versions.md: each Python example prints the text shown after it."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout == expected, doc


def test_bad_arguments_are_input_errors() -> None:
    for call in (
        lambda: compare(None, TEXT, FOURTEEN),  # type: ignore[arg-type]
        lambda: compare("abc", TEXT, FOURTEEN),
        lambda: compare({"stage": "lost_parcel"}, TEXT, FOURTEEN),
        lambda: compare([_late(1)], "x", FOURTEEN),  # type: ignore[arg-type]
        lambda: compare([_late(1)], TEXT, None),  # type: ignore[arg-type]
    ):
        with pytest.raises(InputError):
            call()


# --- the candidate's name ------------------------------------------------------------------


def test_a_candidate_with_the_baselines_version_is_named_by_what_differs() -> None:
    """A candidate made from the text's terms keeps the text's version id; its name says
    which terms differ, so that the summary never reads "version X -> version X"."""
    longer = default_policy(return_window_days=14)
    result = compare([_late(10)], TEXT, longer)
    assert (result.baseline, result.candidate) == (
        "version 2025-01-12",
        "version 2025-01-12 (candidate: return_window_days=14)",
    )
    assert str(result).splitlines()[0] == (
        "what-if: version 2025-01-12 -> version 2025-01-12 (candidate: return_window_days=14)"
    )
    both = default_policy(defect_notice_days=5, return_window_days=14)
    assert compare([], TEXT, both).candidate == (
        "version 2025-01-12 (candidate: return_window_days=14, defect_notice_days=5)"
    )
    shops = default_policy(eligible_channels=frozenset(SalesChannel))
    assert compare([], TEXT, shops).candidate == (
        "version 2025-01-12 (candidate: eligible_channels={marketplace, other, retail_store, website})"
    )
    # The same terms, other clauses: the name says so.
    lenient = TEXT.without_clause("s1.proof_of_purchase")
    assert compare([], TEXT, lenient).candidate == "version 2025-01-12 (candidate: other clauses)"
    # Against a registry: named by what differs from the registry's version of that id.
    versions = compare([], default_versions(), longer)
    assert (versions.baseline, versions.candidate) == (
        "versions 2025-01-12",
        "version 2025-01-12 (candidate: return_window_days=14)",
    )
    assert compare([], default_versions(), TEXT).candidate == "version 2025-01-12"
    # Evaluators that are not two policies: only that it is the candidate.
    assert compare([], _Flip(), _Flip()).candidate == "_Flip (candidate)"
    assert compare([], default_versions(), default_versions()).candidate == (
        "versions 2025-01-12"  # two equal registries: one policy
    )


def test_a_candidate_keeps_its_own_or_given_name() -> None:
    """A candidate with its own version id, an equal policy, or a name given: as is."""
    assert compare([], TEXT, FOURTEEN).candidate == "version 14-day"
    assert compare([], TEXT, default_policy()).candidate == "version 2025-01-12"
    given_ = compare([], TEXT, default_policy(return_window_days=14), candidate_name="x")
    assert given_.candidate == "x"
    named = compare([], TEXT, TEXT, baseline_name="a", candidate_name="a")
    assert (named.baseline, named.candidate) == ("a", "a")


def test_the_repr_is_short() -> None:
    """A notebook cell shows the counts and names, not every pair of decisions."""
    result = compare([_late(n) for n in range(1, 15)], TEXT, FOURTEEN)
    assert repr(result) == (
        "Comparison(14 cases, 14 decisions, 7 changed, "
        "baseline 'version 2025-01-12', candidate 'version 14-day')"
    )
    one = compare([_late(1)], TEXT, TEXT)
    assert repr(one) == (
        "Comparison(1 case, 1 decision, 0 changed, "
        "baseline 'version 2025-01-12', candidate 'version 2025-01-12')"
    )
    assert one == compare([_late(1)], TEXT, TEXT)  # equality is the dataclass's still


def test_counts_add_up_to_the_decisions() -> None:
    """`counts` holds the summary's numbers; the kinds of change add up to the decisions."""
    result = compare([_late(10), _late(3), _late(1), b.parcel()], TEXT, FOURTEEN)
    n = result.counts
    assert n == {
        "cases": 4,
        "decisions": 4,
        "outcome_changed": 1,
        "reasons_only": 0,
        "obligations_only": 2,
        "unchanged": 1,
        "errors": 0,
    }
    kinds = ("outcome_changed", "reasons_only", "obligations_only", "unchanged")
    assert sum(n[k] for k in kinds) == n["decisions"]
