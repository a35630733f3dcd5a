"""Golden decisions: whole decision documents for a corpus of realistic cases.

Each document also keeps the customer message of its decision: the words each clause
gives its reasons and notices (who pays the shipping, the price difference, whether a
lost parcel was insured...). A deliberate rule or wording change updates them with

    ATLIER_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_snapshots.py

then `git diff tests/snapshots` is the review of every changed decision, and the
CHANGELOG gets an entry marked **[decision]**.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from atlier_policy import evaluate
from atlier_policy.codec import case_from_dict, decision_to_dict
from atlier_policy.messages import customer_message

SNAPSHOTS = sorted((Path(__file__).parent / "snapshots").glob("*.json"))
LOCALIZED = sorted((Path(__file__).parent / "snapshots" / "locales").glob("*.json"))
LOCALES = ("en_US", "fr_FR")
UPDATE = os.environ.get("ATLIER_UPDATE_SNAPSHOTS") == "1"


def test_corpus_size() -> None:
    """The golden corpus holds at least 40 cases and covers all six stages."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in SNAPSHOTS]
    assert len(docs) >= 40
    assert {d["case"]["stage"] for d in docs} == {
        "return_request",
        "defect_claim",
        "lost_parcel",
        "inspection",
        "cancellation",
        "exchange",
    }


@pytest.mark.parametrize("path", SNAPSHOTS, ids=[p.stem for p in SNAPSHOTS])
def test_golden_decision(path: Path) -> None:
    """The decision on each golden case equals its checked-in document exactly."""
    stored = json.loads(path.read_text(encoding="utf-8"))
    actual = decision_to_dict(evaluate(stored["case"]))
    if UPDATE and actual != stored["decision"]:
        stored["decision"] = actual
        path.write_text(json.dumps(stored, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == stored["decision"]


@pytest.mark.parametrize("path", SNAPSHOTS, ids=[p.stem for p in SNAPSHOTS])
def test_golden_message(path: Path) -> None:
    """The customer message on each golden case equals its checked-in lines exactly."""
    stored = json.loads(path.read_text(encoding="utf-8"))
    doc = stored["case"]
    actual = customer_message(evaluate(doc), case=case_from_dict(doc)).splitlines()
    if UPDATE and actual != stored.get("message"):
        stored["message"] = actual
        path.write_text(json.dumps(stored, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == stored["message"]


@pytest.mark.parametrize("path", LOCALIZED, ids=[p.stem for p in LOCALIZED])
def test_golden_message_in_locales(path: Path) -> None:
    """The customer message of each case of ``snapshots/locales`` in en_US and fr_FR (the
    i18n extra: Babel) equals its checked-in lines exactly: the same English sentences,
    with the dates and the amounts (USD, JPY, BHD) as each locale writes them."""
    stored = json.loads(path.read_text(encoding="utf-8"))
    doc = stored["case"]
    d, case = evaluate(doc), case_from_dict(doc)
    actual = {
        locale: customer_message(d, case=case, locale=locale).splitlines() for locale in LOCALES
    }
    if UPDATE and actual != stored.get("messages"):
        stored["messages"] = actual
        path.write_text(json.dumps(stored, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == stored["messages"]


def test_localized_corpus_covers_three_currencies() -> None:
    """The localized corpus has amounts in USD (2 decimals), JPY (none) and BHD (three)."""
    found = {
        m["currency"]
        for p in LOCALIZED
        for m in _amounts(json.loads(p.read_text(encoding="utf-8"))["case"])
    }
    assert found == {"USD", "JPY", "BHD"}


def _amounts(doc: object) -> list[dict[str, str]]:
    if isinstance(doc, dict):
        own = [doc] if set(doc) == {"amount", "currency"} else []
        return own + [m for v in doc.values() for m in _amounts(v)]
    if isinstance(doc, list):
        return [m for v in doc for m in _amounts(v)]
    return []
