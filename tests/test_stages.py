"""Table-driven tests: one or more rows per sentence-level rule of the policy.

Each row names the policy sentence it exercises; the expected outcome and the
clauses that must be among the decision's reasons come from that sentence.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from atlier_policy import default_policy
from atlier_policy.cases import SaleEvent
from atlier_policy.rules import Finding
from builders import DELIVERED, at, condition, item, return_item, return_request
from tables import NOT, decided

POLICY = default_policy()


def test_every_failing_reason_is_reported() -> None:
    """A late, worn, engraved clearance piece gets all four reasons, not only the first."""
    bad = return_item(
        item=item(engraved=True, sale_event=SaleEvent.CLEARANCE), condition=condition(unworn=False)
    )
    d = decided(POLICY.return_request(return_request(at("2025-03-12"), items=(bad,))))
    assert d.outcome is NOT
    assert {r.clause_id for r in d.reasons} == {
        "s1.return_window",
        "s1.unworn",
        "s2.engraved",
        "s2.sale_item",
    }
    assert all(r.finding is Finding.FAILED for r in d.reasons)


def test_multi_item_order_summary() -> None:
    """A request with several items is decided per item, with counts per outcome."""
    items = (
        return_item(),
        return_item(item=item(sku="N-2", engraved=True)),
        return_item(item=item(sku="E-3", kind=None)),
    )
    od = POLICY.return_request(return_request(items=items))
    assert [d.sku for d in od.items] == ["RING-7", "N-2", "E-3"]
    assert od.counts == {"eligible_pending_inspection": 1, "not_eligible": 1, "needs_review": 1}
    assert not od.all_granted


def test_decision_str_is_readable() -> None:
    """str(decision) names the outcome, the clause, the dates and the policy version."""
    text = str(decided(POLICY.return_request(return_request(at("2025-03-11")))))
    assert "not eligible" in text
    assert "[§1 s1.return_window]" in text
    assert "last day to request a return: 2025-03-10" in text
    assert "policy version 2025-01-12" in text


def test_delivered_constant_is_a_monday() -> None:
    """The builders' delivery date is the Monday the tables count from."""
    assert DELIVERED.date() == date(2025, 3, 3)
    assert replace(item(), sku="X").sku == "X"
