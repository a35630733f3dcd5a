"""Policy invariants, stated as Hypothesis properties over generated cases."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from atlier_policy import (
    Decision,
    DefectClaim,
    ExchangeRequest,
    ReturnRequest,
    default_policy,
)
from atlier_policy.cases import DefectCause, ReturnReason
from atlier_policy.codec import case_from_dict
from atlier_policy.rules import Finding, explain
from atlier_policy.text import POLICY_TEXT
from builders import defect_inspection
from strategies import (
    any_complete_case,
    complete_cancellations,
    complete_defect_claims,
    complete_exchanges,
    complete_inspections,
    complete_parcels,
    complete_return_requests,
    set_path,
)
from tables import decisions

POLICY = default_policy()
EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.json"))
SECTIONS = {"header", "1", "2", "3", "4", "5", "6"}

ITEM_FACTS = [
    "channel",
    "kind",
    "personalized",
    "engraved",
    "resized",
    "altered",
    "sale_event",
    "delivered_at",
]
CONDITION_FACTS = [
    "unused",
    "unworn",
    "original_packaging",
    "certificates_included",
    "tags_included",
    "accessories_included",
]
RETURN_REQUIRED = (
    [f"items[0].item.{f}" for f in ITEM_FACTS]
    + [f"items[0].condition.{f}" for f in CONDITION_FACTS]
    + ["proof_of_purchase"]
)
DEFECT_REQUIRED = ["item.channel", "item.delivered_at", "kind", "channel", "photos_sent_at"]
EXCHANGE_REQUIRED = (
    ["wanted_available", "wanted_price", "item.item.price", "proof_of_purchase"]
    + [f"item.item.{f}" for f in ITEM_FACTS]
    + [f"item.condition.{f}" for f in CONDITION_FACTS]
)


def _blank(case: Any, path: str) -> Any:
    if path.endswith("delivered_at"):
        # purchased_at stays consistent with an unknown delivery date
        case = set_path(case, path.replace("delivered_at", "purchased_at"), None)
    if path.endswith("item.sale_event"):
        # The sale status is needed only without a defect record or a store error, which
        # lift the sale exclusion whatever the status (pinned in
        # tests/clauses/test_s2_non_returnable.py).
        case = set_path(case, path.replace("item.sale_event", "defect_confirmed"), False)
        case = set_path(
            case, path.replace("item.sale_event", "reason"), ReturnReason.CHANGE_OF_MIND
        )
    return set_path(case, path, None)


@given(complete_return_requests(max_items=1), st.sampled_from(RETURN_REQUIRED))
def test_fail_closed_return_request(case: ReturnRequest, path: str) -> None:
    """A return request with any required fact unknown is never eligible."""
    (d,) = decisions(POLICY.evaluate(_blank(case, path)))
    assert not d.granted


@given(complete_defect_claims(), st.sampled_from(DEFECT_REQUIRED))
def test_fail_closed_defect_claim(case: DefectClaim, path: str) -> None:
    """A defect claim with any required fact unknown is never accepted."""
    assert not POLICY.evaluate(_blank(case, path)).granted


@given(complete_exchanges(), st.sampled_from(EXCHANGE_REQUIRED))
def test_fail_closed_exchange(case: ExchangeRequest, path: str) -> None:
    """An exchange with any required fact unknown is never approved."""
    assert not POLICY.evaluate(_blank(case, path)).granted


@given(
    complete_inspections(), st.sampled_from(["condition", "cause", "remedy", "request"]), st.data()
)
def test_fail_closed_inspection(case: Any, what: str, data: st.DataObject) -> None:
    """An inspection missing a finding it needs never approves a refund or a remedy."""
    from_return = isinstance(case.request, ReturnRequest)
    if what == "condition":
        assume(from_return)
        case = set_path(case, f"condition.{data.draw(st.sampled_from(CONDITION_FACTS))}", None)
    elif what == "cause":
        assume(not from_return)
        case = set_path(case, "cause", None)
    elif what == "remedy":
        assume(not from_return)
        case = set_path(set_path(case, "repair_possible", None), "replacement_possible", None)
    else:
        paths = RETURN_REQUIRED if from_return else DEFECT_REQUIRED
        path = data.draw(st.sampled_from([p for p in paths if "condition" not in p]))
        case = set_path(case, "request", _blank(case.request, path))
        if path.endswith("item.sale_event"):
            # At the inspection the team's findings lift the sale exclusion too: with a
            # confirmed defect or error on our part the sale status does not matter.
            case = set_path(case, "store_error_confirmed", False)
            case = set_path(case, "cause", DefectCause.NONE_FOUND)
    assert not POLICY.evaluate(case).granted


@given(complete_cancellations(), st.sampled_from(["production", "item.kind"]))
def test_fail_closed_cancellation(case: Any, path: str) -> None:
    """A cancellation whose production status or item kind is unknown is never refundable."""
    case = set_path(case, path, None)
    if path == "production":
        case = set_path(case, "production_started_at", None)
    assert not POLICY.evaluate(case).granted


@given(complete_parcels)
def test_fail_closed_parcel(case: Any) -> None:
    """A parcel of unknown status never proceeds to a refund inspection."""
    assert not POLICY.evaluate(set_path(case, "status", None)).granted


@given(any_complete_case)
def test_reasons_cite_the_text(case: Any) -> None:
    """Every refusal has a reason; every reason cites an existing section and quotes the text."""
    for d in decisions(POLICY.evaluate(case)):
        if not d.granted:
            assert d.reasons, str(d)
        for r in d.reasons:
            assert r.section in SECTIONS
            assert r.sentence in POLICY_TEXT
        for n in d.obligations.notices:
            assert n.section in SECTIONS


@given(any_complete_case)
def test_never_grants_with_a_refusing_reason(case: Any) -> None:
    """A granted decision has no failed or undecided reason; a refused one has a failed reason."""
    for d in decisions(POLICY.evaluate(case)):
        findings = {r.finding for r in d.reasons}
        if d.granted:
            assert findings <= {Finding.PASSED}
        elif d.outcome.value in {
            "not_eligible",
            "not_covered",
            "refund_rejected",
            "refused",
            "not_refundable",
            "no_refund_parcel_lost",
        }:
            assert Finding.FAILED in findings


@given(any_complete_case)
def test_deterministic_and_pure(case: Any) -> None:
    """Evaluating twice gives equal decisions and leaves the case unchanged."""
    before = copy.deepcopy(case)
    first = POLICY.evaluate(case)
    assert POLICY.evaluate(case) == first
    assert case == before


@pytest.mark.parametrize("path", RETURN_REQUIRED)
def test_required_fact_names_itself(path: str) -> None:
    """Each required fact of a return, when unknown, is named in the decision's missing facts."""
    from builders import return_request

    (d,) = decisions(POLICY.evaluate(_blank(return_request(), path)))
    assert not d.granted
    assert path.removeprefix("items[0].") in d.missing


def _fresh(policy: Any, case: Any) -> list[Any]:
    """Each item's evaluation of its stage's whole rule, evaluated afresh (the reference)."""
    from atlier_policy.cases import (
        CustomOrderCancellation,
        Inspection,
        LostParcelReport,
    )
    from atlier_policy.rules import Context

    def ctx(c: Any) -> Context[Any]:
        return Context(c, policy.terms, policy.terms.calendar, policy.terms.tz)

    if isinstance(case, ReturnRequest):
        return [policy.return_rule.evaluate(ctx(line)) for line in case.lines()]
    if isinstance(case, DefectClaim):
        return [policy.defect_rule.evaluate(ctx(case))]
    if isinstance(case, LostParcelReport):
        return [policy.parcel_rule.evaluate(ctx(case))]
    if isinstance(case, CustomOrderCancellation):
        return [policy.cancellation_rule.evaluate(ctx(case))]
    if isinstance(case, ExchangeRequest):
        return [policy.rule("exchange").evaluate(ctx(case))]
    assert isinstance(case, Inspection)
    if isinstance(case.request, ReturnRequest):
        return [policy.rule("inspected_return").evaluate(ctx(case))]
    return [policy.rule("inspected_claim").evaluate(ctx(case))]


@given(any_complete_case)
@example(defect_inspection())  # a covered defect: the remedy ladder is judged too
@example(defect_inspection(repair_possible=False, replacement_possible=False))
@example(defect_inspection(cause=DefectCause.MISUSE))  # the claim fails: no remedy
def test_lazy_explanation_equals_a_fresh_evaluation(case: Any) -> None:
    """Reasons, trace and missing facts computed on first access are those of evaluating afresh."""
    for d, ev in zip(decisions(POLICY.evaluate(case)), _fresh(POLICY, case), strict=True):
        _same_explanation(d, ev)


def _same_explanation(d: Decision, ev: Any) -> None:
    """The decision's explanation is the fresh one's; its missing facts add only those its
    granted payment lacks (the price to refund, the shipping cost to reimburse)."""
    reasons, trace, missing = explain(ev)
    assert (d.reasons, d.trace) == (reasons, trace)
    assert d.missing[: len(missing)] == missing
    unpaid = d.missing[len(missing) :]
    assert set(unpaid) <= {"item.price", "return_shipping_cost"}
    assert not unpaid or d.granted


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_lazy_explanation_of_each_example_equals_a_fresh_evaluation(example: Path) -> None:
    """The same law on every example case (every stage and outcome, both inspection routes)."""
    case = case_from_dict(json.loads(example.read_text()))
    for d, ev in zip(decisions(POLICY.evaluate(case)), _fresh(POLICY, case), strict=True):
        _same_explanation(d, ev)
