"""Every input limit of atlier_policy.limits, at its edge and one past it."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from atlier_policy import InputError, Money, OrderDecision, PolicyTerms, evaluate
from atlier_policy.cli import main
from atlier_policy.codec import case_from_dict, decision_from_dict, decision_to_dict, dumps
from atlier_policy.limits import (
    AMOUNT_PATTERN,
    FIRST_YEAR,
    LAST_YEAR,
    MAX_AMOUNT,
    MAX_CASE_BYTES,
    MAX_DATETIME_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_ID_LENGTH,
    MAX_ITEMS,
    MAX_NAME_LENGTH,
    MAX_RECORD_BYTES,
    MAX_STRING,
    MAX_TERMS_BYTES,
    MAX_VERSION_EVALUATIONS,
    MAX_VERSIONS,
)
from atlier_policy.schema import case_schema
from atlier_policy.termsfile import load_terms, versions_from_toml
from atlier_policy.versions import EARLIEST_PURCHASE

ROOT = Path(__file__).parent.parent
RETURN = json.loads((ROOT / "examples" / "return_request_eligible.json").read_text())
PARCEL = {
    "stage": "lost_parcel",
    "order_id": "P-1",
    "status": "lost",
    "shipped_at": "2025-03-06T12:00:00-05:00",
}


def _with(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(RETURN)
    doc.update(changes)
    return doc


def _price(amount: str, currency: str = "USD") -> dict[str, Any]:
    doc = copy.deepcopy(RETURN)
    doc["items"][0]["item"]["price"] = {"amount": amount, "currency": currency}
    return doc


def _refused(doc: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as info:
        case_from_dict(doc)
    assert field in [p[0] for p in info.value.problems], str(info.value)


def test_identifier_length() -> None:
    """order_id, sku and wanted_sku: MAX_ID_LENGTH characters, not one more."""
    assert case_from_dict(_with(order_id="A" * MAX_ID_LENGTH)).order_id == "A" * MAX_ID_LENGTH
    _refused(_with(order_id="A" * (MAX_ID_LENGTH + 1)), "order_id")
    ids = case_schema()["$defs"]["ReturnRequestCase"]["properties"]["order_id"]
    assert (ids["minLength"], ids["maxLength"]) == (1, MAX_ID_LENGTH)


def test_string_length_in_documents() -> None:
    """Any string of a case document: MAX_STRING characters, not one more (before the
    identifier's own MAX_ID_LENGTH). A decision document's strings have no bound of their
    own: what the encoder writes, the decoder reads back."""
    with pytest.raises(InputError) as info:
        case_from_dict({**PARCEL, "order_id": "A" * (MAX_STRING + 1)})
    assert info.value.problems[0][:2] == (
        "order_id",
        f"a string of at most {MAX_STRING} characters",
    )
    decision = decision_to_dict(evaluate(PARCEL))
    long = "v" * (10 * MAX_STRING)
    assert decision_from_dict({**decision, "policy_version": long}).policy_version == long
    with pytest.raises(InputError, match="`policy_version` must be a string"):
        decision_from_dict({**decision, "policy_version": 5})


def test_item_count() -> None:
    """A return request of MAX_ITEMS items is decided; one more is refused."""
    doc = _with(items=RETURN["items"] * MAX_ITEMS)
    assert len(case_from_dict(doc).items) == MAX_ITEMS
    _refused(_with(items=RETURN["items"] * (MAX_ITEMS + 1)), "items")


def test_datetime_length() -> None:
    """An instant of MAX_DATETIME_LENGTH characters is read; one more is refused."""
    padded = "2025-03-07T10:00:00.000000-05:00:00.0000"  # Python reads any fraction digits
    assert len(padded) == MAX_DATETIME_LENGTH
    assert case_from_dict(_with(requested_at=padded)).requested_at.year == 2025
    _refused(_with(requested_at=padded + "0"), "requested_at")


def test_years() -> None:
    """Instants from FIRST_YEAR to LAST_YEAR; the years just outside are refused by name."""
    first = f"{FIRST_YEAR}-01-01T00:00:00+00:00"
    last = f"{LAST_YEAR}-12-31T23:59:59+00:00"
    doc = {**PARCEL, "shipped_at": first}
    assert case_from_dict(doc).shipped_at.year == FIRST_YEAR
    assert case_from_dict({**PARCEL, "shipped_at": last}).shipped_at.year == LAST_YEAR
    _refused({**PARCEL, "shipped_at": f"{FIRST_YEAR - 1}-12-31T23:59:59+00:00"}, "shipped_at")
    _refused({**PARCEL, "shipped_at": f"{LAST_YEAR + 1}-01-01T00:00:00+00:00"}, "shipped_at")


@pytest.mark.parametrize(
    ("amount", "currency", "ok"),
    [
        ("999999999.99", "USD", True),  # the largest amount in dollars
        ("999999999.9999", "CLF", True),  # the largest a document can hold (AMOUNT_PLACES)
        ("999999999", "JPY", True),
        ("1000000000", "JPY", False),  # ten digits before the point
        ("0.01", "USD", True),
        ("0.001", "USD", False),  # more decimals than the dollar has
        ("0.0", "JPY", False),  # the yen has none, not even a zero
        ("0.001", "BHD", True),
        ("0.00001", "CLF", False),  # five after the point: no currency has five
        ("240.", "USD", False),
        (".5", "USD", False),
        ("+240.00", "USD", False),
        ("2.4e2", "USD", False),
    ],
)
def test_amount(amount: str, currency: str, ok: bool) -> None:
    """Amounts: AMOUNT_DIGITS digits before the point, at most the currency's decimal
    places after (AMOUNT_PLACES, the largest minor unit, in the pattern), ASCII only."""
    if ok:
        price = case_from_dict(_price(amount, currency)).items[0].item.price
        assert price == Money(Decimal(amount), currency)
        assert abs(price.amount) < MAX_AMOUNT
    else:
        _refused(_price(amount, currency), "items[0].item.price.amount")


def test_amount_pattern_is_the_schemas() -> None:
    """The schema publishes the decoder's own amount pattern, with ASCII digits only."""
    money = case_schema()["$defs"]["Money"]["properties"]
    assert money["amount"]["pattern"] == f"^{AMOUNT_PATTERN}$"
    assert "\\d" not in AMOUNT_PATTERN
    assert "USD" in money["currency"]["enum"]
    assert "ZZZ" not in money["currency"]["enum"]


def test_money_magnitude() -> None:
    """Money in Python: below MAX_AMOUNT in magnitude, refunds and differences included."""
    largest = MAX_AMOUNT - Decimal("0.01")
    assert Money(-largest, "USD").amount == -largest
    with pytest.raises(InputError, match="`amount` must be finite and below 1,000,000,000"):
        Money(MAX_AMOUNT, "USD")


def test_case_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A case file of MAX_CASE_BYTES bytes is read; one byte more is refused."""
    text = json.dumps(PARCEL)
    edge = tmp_path / "edge.json"
    edge.write_text(text + " " * (MAX_CASE_BYTES - len(text)))
    assert edge.stat().st_size == MAX_CASE_BYTES
    assert main(["evaluate", str(edge), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["order_id"] == "P-1"
    edge.write_text(text + " " * (MAX_CASE_BYTES - len(text) + 1))
    assert main(["evaluate", str(edge)]) == 2
    assert f"at most {MAX_CASE_BYTES} bytes per case" in capsys.readouterr().err


def test_batch_line_bytes(tmp_path: Path) -> None:
    """A batch line of MAX_CASE_BYTES bytes (its newline aside) is decided; one byte more gives
    that line's error record, and the lines after it keep their numbers."""
    text = json.dumps(PARCEL)
    edge = text + " " * (MAX_CASE_BYTES - len(text))
    src = tmp_path / "in.jsonl"
    src.write_text(f"{edge}\n{edge} \n{text}\n{edge}")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    assert [r.get("outcome") for r in records] == [
        "no_refund_parcel_lost",
        None,
        "no_refund_parcel_lost",
        "no_refund_parcel_lost",
    ]
    assert records[1]["problems"][0]["field"] == "line"


def test_largest_output_of_a_line() -> None:
    """The largest decision a batch line can give stays under MAX_RECORD_BYTES: MAX_ITEMS
    items whose identifiers are as long as allowed and written 6 bytes a character."""
    worst = "A" + "\x01" * (MAX_ID_LENGTH - 1)  # a visible one; JSON writes the rest as \\u0001
    bought = "2025-02-27T12:00:00-05:00"  # dated, so each item gets its whole decision
    doc = _with(
        order_id=worst, items=[{"item": {"sku": worst, "purchased_at": bought}}] * MAX_ITEMS
    )
    result = evaluate(doc)
    assert isinstance(result, OrderDecision)
    size = len(dumps({"line": 1, **decision_to_dict(result)}).encode())
    assert 8_000_000 < size <= MAX_RECORD_BYTES  # measured: about 9.5 MB


def test_terms_bytes(tmp_path: Path) -> None:
    """A terms file of MAX_TERMS_BYTES bytes is read; one byte more is refused."""
    path = tmp_path / "terms.toml"
    head = "return_window_days = 14\n"
    path.write_text(head + "#" * (MAX_TERMS_BYTES - len(head)))
    assert load_terms(path).return_window_days == 14
    path.write_text(head + "#" * (MAX_TERMS_BYTES - len(head) + 1))
    with pytest.raises(InputError, match=f"at most {MAX_TERMS_BYTES} bytes"):
        load_terms(path)


def _versions(count: int, *, window: bool = False, start: date = date(2000, 1, 1)) -> str:
    return "".join(
        f'[[versions]]\nversion = "v{i}"\neffective_date = {start + timedelta(days=i)}\n'
        + (f"return_window_days = {i % 300}\n" if window else "")
        for i in range(count)
    )


def test_version_count() -> None:
    """A file (and a registry) of MAX_VERSIONS versions is read; one more is refused."""
    registry = versions_from_toml(_versions(MAX_VERSIONS))
    assert len(registry) == MAX_VERSIONS
    with pytest.raises(InputError, match=f"at most {MAX_VERSIONS}"):
        versions_from_toml(_versions(MAX_VERSIONS + 1))
    from atlier_policy.versions import PolicyVersions

    with pytest.raises(InputError, match=f"`policies` must be at most {MAX_VERSIONS} versions"):
        PolicyVersions((*registry.policies, replace(registry.policies[0], terms=PolicyTerms())))


def test_version_evaluations() -> None:
    """A case with no purchase date is evaluated under every version that may apply: up to
    MAX_VERSION_EVALUATIONS items x versions; past it the case is refused, naming
    purchased_at, before any evaluation."""
    items = MAX_VERSION_EVALUATIONS // 100
    assert items * 100 == MAX_VERSION_EVALUATIONS
    doc = _with(items=[{"item": {"sku": "S"}}] * items)
    # A first version in force from 1900 bounds an undated purchase by the case's dates,
    # which makes every version a candidate (otherwise it is reviewed at once).
    versions = versions_from_toml(_versions(100, window=True, start=EARLIEST_PURCHASE))
    result = evaluate(doc, versions)
    assert isinstance(result, OrderDecision)
    assert result.counts == {"needs_review": items}  # the windows differ: the version matters
    assert evaluate(doc, versions_from_toml(_versions(100, window=True))).counts == {
        "needs_review": items  # from 2000: the purchase may precede every version
    }
    doc["items"].append({"item": {"sku": "S"}})
    with pytest.raises(InputError) as info:
        evaluate(doc, versions)
    ((field, expected, given),) = info.value.problems
    assert field == "purchased_at"
    assert f"at most {MAX_VERSION_EVALUATIONS:,}" in expected
    assert given == "'unknown: 100 versions x 101 items'"


def test_name_lengths() -> None:
    """Names in the terms: MAX_NAME_LENGTH characters, not one more."""
    assert PolicyTerms(version="v" * MAX_NAME_LENGTH).version == "v" * MAX_NAME_LENGTH
    with pytest.raises(InputError, match="`version`"):
        PolicyTerms(version="v" * (MAX_NAME_LENGTH + 1))
    with pytest.raises(InputError, match="`store_timezone`"):
        PolicyTerms(store_timezone="A" * (MAX_NAME_LENGTH + 1))


def test_email_length() -> None:
    """support_email: MAX_EMAIL_LENGTH characters, not one more."""
    domain = "@example.com"
    edge = "a" * (MAX_EMAIL_LENGTH - len(domain)) + domain
    assert PolicyTerms(support_email=edge).support_email == edge
    with pytest.raises(InputError, match="`support_email`"):
        PolicyTerms(support_email="a" + edge)
