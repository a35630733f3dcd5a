"""docs/cases.md: every JSON document on the page decodes in the new forms (no
deprecation warning), validates against the case schema and gets a decision; the
smallest eligible return request is eligible pending inspection."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest

from atlier_policy import default_policy
from atlier_policy.codec import case_from_dict
from atlier_policy.decision import OrderDecision
from atlier_policy.schema import case_schema

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "cases.md").read_text(encoding="utf-8")
DOCS = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", PAGE, re.DOTALL)]
STAGES = ("return_request", "defect_claim", "lost_parcel", "inspection", "cancellation", "exchange")
GRANTED = {
    "return_request": "eligible_pending_inspection",
    "defect_claim": "accepted_pending_inspection",
    "lost_parcel": "proceed_to_inspection",
    "inspection": "refund_approved",
    "cancellation": "refundable",
    "exchange": "approved_pending_inspection",
}


def test_the_page_has_a_document_for_every_stage_in_order() -> None:
    assert [d["stage"] for d in DOCS] == list(STAGES)


@pytest.mark.parametrize("doc", DOCS, ids=[d["stage"] for d in DOCS])
def test_every_document_decodes_and_is_granted(doc: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator(case_schema()).validate(doc)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the page shows the new forms only
        case = case_from_dict(doc)
    decision = default_policy().evaluate(case)
    items = decision.items if isinstance(decision, OrderDecision) else (decision,)
    assert [d.outcome.value for d in items] == [GRANTED[doc["stage"]]]
    assert all(not d.missing for d in items)


def test_the_smallest_return_request_is_eligible_pending_inspection() -> None:
    """The page's return request is its smallest eligible one: 13 lines, dates as days."""
    block = re.search(r"```json\n(\{\n  \"stage\": \"return_request\".*?)```", PAGE, re.DOTALL)
    assert block is not None
    assert len(block.group(1).splitlines()) == 13
    decision = default_policy().evaluate(case_from_dict(json.loads(block.group(1))))
    assert isinstance(decision, OrderDecision)
    (d,) = decision.items
    assert d.outcome.value == "eligible_pending_inspection"
    assert not d.missing


def test_the_tables_name_every_field_of_every_stage() -> None:
    """Each stage's table lists every key its documents accept (the schema's, old names
    aside), and the piece's and the condition's tables theirs."""
    defs = case_schema()["$defs"]
    headed = {
        "The piece (`item`), at every stage": "Item",
        "The condition, at stages 1, 4 and 6": "Condition",
        "Stage 1: return request": "ReturnRequestCase",
        "Stage 2: defect claim": "DefectClaimCase",
        "Stage 3: lost parcel": "LostParcelReportCase",
        "Stage 4: inspection": "InspectionCase",
        "Stage 5: custom order cancellation": "CustomOrderCancellationCase",
        "Stage 6: exchange": "ExchangeRequestCase",
    }
    sections = re.split(r"^## ", PAGE, flags=re.MULTILINE)
    for heading, name in headed.items():
        (section,) = [s for s in sections if s.startswith(heading)]
        listed = set(re.findall(r"^\| `([a-z_]+)`", section, re.MULTILINE))
        props = defs[name]["properties"]
        wanted = {k for k, v in props.items() if not v.get("deprecated")}
        assert listed == wanted - {"stage", "schema_version"}, heading
