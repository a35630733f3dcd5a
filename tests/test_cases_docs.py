"""docs/cases.md: every JSON document on the page decodes in the new forms (no
deprecation warning), validates against the case schema and is granted with nothing
missing, by ``atlier_policy.evaluate`` (versions by date) and ``default_policy().evaluate``
alike; and it is the smallest such document: leaving out any one key makes it invalid
or no longer granted so."""

from __future__ import annotations

import copy
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import atlier_policy
from atlier_policy import default_policy
from atlier_policy.codec import case_from_dict
from atlier_policy.decision import Decision, OrderDecision
from atlier_policy.errors import InputError
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


def _items(decision: Decision | OrderDecision) -> tuple[Decision, ...]:
    return decision.items if isinstance(decision, OrderDecision) else (decision,)


def _granted(doc: dict[str, Any]) -> bool:
    """Whether ``doc`` is valid and granted as the page says, with nothing missing, by
    the default entry point (versions by date) and by the default policy alike."""
    jsonschema = pytest.importorskip("jsonschema")
    if not jsonschema.Draft202012Validator(case_schema()).is_valid(doc):
        return False
    try:
        decisions = (atlier_policy.evaluate(doc), default_policy().evaluate(case_from_dict(doc)))
    except InputError:
        return False
    return all(
        [d.outcome.value for d in _items(decision)] == [GRANTED[doc["stage"]]]
        and all(not d.missing for d in _items(decision))
        for decision in decisions
    )


def _keys(doc: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The path of every key of ``doc``, nested ones too (array elements by index)."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield (*path, key)
            yield from _keys(value, (*path, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from _keys(value, (*path, index))


def _without(doc: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    owner: Any = out
    for step in path[:-1]:
        owner = owner[step]
    del owner[path[-1]]
    return out


@pytest.mark.parametrize("doc", DOCS, ids=[d["stage"] for d in DOCS])
def test_every_document_decodes_and_is_granted(doc: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator(case_schema()).validate(doc)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the page shows the new forms only
        case = case_from_dict(doc)
    for decision in (atlier_policy.evaluate(doc), default_policy().evaluate(case)):
        assert [d.outcome.value for d in _items(decision)] == [GRANTED[doc["stage"]]]
        assert all(not d.missing for d in _items(decision))
    assert _granted(doc)


@pytest.mark.parametrize("doc", DOCS, ids=[d["stage"] for d in DOCS])
def test_every_document_is_the_smallest_granted(doc: dict[str, Any]) -> None:
    """Leaving out any one key, at any depth, makes the document invalid or no longer
    granted with nothing missing: no key of the page's examples is there for show."""
    needless = [p for p in _keys(doc) if _granted(_without(doc, p))]
    assert needless == []


def test_the_smallest_return_request_is_eligible_pending_inspection() -> None:
    """The page's return request is its smallest eligible one: 13 lines, dates as days."""
    block = re.search(r"```json\n(\{\n  \"stage\": \"return_request\".*?)```", PAGE, re.DOTALL)
    assert block is not None
    assert len(block.group(1).splitlines()) == 13
    decision = atlier_policy.evaluate(json.loads(block.group(1)))
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
