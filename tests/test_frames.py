"""The whole-batch entry point and the fixed record schema (issue 15, section 1).

Laws: the records of a batch are the records of its decisions, case by case, whatever
the kind of batch (documents, pandas, Arrow, Polars); a bad case is one error row, never
an exception; every row has the schema's columns, in order, with the schema's types;
batches of different stages have one schema, so they concatenate.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlier_policy import InputError, decide_batch, default_policy, evaluate
from atlier_policy import frames as frames_module
from atlier_policy.cli import main
from atlier_policy.codec import Level, case_to_dict
from atlier_policy.decision import OrderDecision
from atlier_policy.frames import (
    RECORD_SCHEMA_VERSION,
    from_json_row,
    iter_records,
    json_row,
    record_schema,
)
from atlier_policy.records import to_record
from strategies import any_complete_case

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
DOCS = [json.loads(p.read_text()) for p in EXAMPLES]
PYTHON_TYPES = {
    "string": str,
    "int32": int,
    "bool": bool,
    "date32": datetime.date,
    "decimal(18,6)": Decimal,
}

# Documents that give no decision, each for its own reason.
BAD = [
    "not json",
    b"[1, 2]",
    '{"stage": "no_such_stage"}',
    {"stage": "lost_parcel", "order_id": "P-1", "status": "lost", "shipped_at": "2025-03-06"},
    5,
    None,
    "x" * (frames_module.MAX_CASE_BYTES + 1),
]


def _expected(doc: Any, key: str, level: Level) -> list[dict[str, Any]]:
    """What the records of one document must be, from the typed path: evaluate, then
    ``to_record`` per item decision; an error row where evaluate refuses the document."""
    try:
        parsed = json.loads(doc) if isinstance(doc, str | bytes) else doc
        result = evaluate(parsed)
    except Exception:
        return [{"key": key, "item": None, "outcome": None}]
    items = result.items if isinstance(result, OrderDecision) else (result,)
    return [
        {"key": key, "item": i, "error": None, **to_record(d, level=level)}
        for i, d in enumerate(items)
    ]


def _check_row(row: dict[str, Any], level: Level) -> None:
    schema = record_schema(level)
    assert tuple(row) == schema.names
    for column in schema.columns:
        value = row[column.name]
        if value is None:
            assert column.nullable, column.name
            continue
        assert type(value) is PYTHON_TYPES[column.type], (column.name, value)
        if column.type == "decimal(18,6)":  # fits: 12 digits before the point, 6 after
            assert value == value.quantize(Decimal("1e-6"))
            assert abs(value) < 10**12
    if row["error"] is None:
        assert row["item"] is not None
        assert row["stage"] is not None
    else:
        assert row["item"] is None
        assert all(row[n] is None for n in schema.names if n not in ("key", "error"))


@pytest.mark.parametrize("level", list(Level))
def test_the_examples_and_bad_documents_row_for_row(level: Level) -> None:
    """Every example gives the typed path's records; every bad document one error row,
    with the reason in one line; the run never raises."""
    docs = [*DOCS, *BAD]
    rows = list(iter_records(docs, level=level))
    expected = [r for i, doc in enumerate(docs) for r in _expected(doc, str(i), level)]
    assert len(rows) == len(expected)
    for row, want in zip(rows, expected, strict=True):
        _check_row(row, level)
        assert {k: row[k] for k in want} == want
    errors = [r for r in rows if r["error"] is not None]
    assert len(errors) == len(BAD)
    assert all("\n" not in r["error"] for r in errors)
    assert any("at most" in r["error"] and "bytes" in r["error"] for r in errors)


@settings(max_examples=60, deadline=None)
@given(st.lists(any_complete_case, min_size=1, max_size=6), st.sampled_from(list(Level)))
def test_generated_cases_give_the_typed_records(cases: list[Any], level: Level) -> None:
    """On generated cases of every stage, as documents and as JSON text: the records are
    the decisions' records, keyed by position, in the schema's columns and types."""
    docs = [case_to_dict(c) for c in cases]
    texts = [json.dumps(d) for d in docs]
    rows = list(iter_records(docs, level=level))
    assert rows == list(iter_records(texts, level=level))
    expected = [r for i, doc in enumerate(docs) for r in _expected(doc, str(i), level)]
    assert rows == expected
    for row in rows:
        _check_row(row, level)


def test_a_bug_on_one_case_is_its_row_named_as_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    real = frames_module.evaluate

    def flaky(doc: Any, policy: Any = None) -> Any:
        if doc.get("order_id") == "BUG":
            raise RuntimeError("boom\nagain")
        return real(doc, policy)

    monkeypatch.setattr(frames_module, "evaluate", flaky)
    parcel = DOCS[EXAMPLES.index(ROOT / "examples" / "lost_parcel_lost.json")]
    rows = list(iter_records([{**parcel, "order_id": "BUG"}, parcel]))
    assert rows[0]["error"] == "internal error: RuntimeError: boom\\nagain"
    assert rows[1]["outcome"] == "no_refund_parcel_lost"


def test_keys_are_the_callers_strings_or_integers() -> None:
    import numpy as np

    rows = list(iter_records(DOCS[:3], keys=["a", 7, -2]))
    assert [r["key"] for r in rows] == ["a", "7", "-2"]
    # An engine's integers and strings (NumPy's), up to uint64: plain strings.
    wide = list(iter_records(DOCS[:3], keys=[np.int64(5), 2**64 - 1, np.str_("z")]))
    assert [r["key"] for r in wide] == ["5", str(2**64 - 1), "z"]
    assert all(type(r["key"]) is str for r in wide)
    for keys, field in (
        (["a", True, "c"], "keys[1]"),
        (["a", None, "c"], "keys[1]"),
        (["a", "b" * 201, "c"], "keys[1]"),
        (["a", 2**64, "c"], "keys[1]"),
        (["a", 1.0, "c"], "keys[1]"),
        (["a"], "keys"),
        (["a", "b", "c", "d"], "keys"),
    ):
        with pytest.raises(InputError, match=re.escape(f"`{field}`")):
            list(iter_records(DOCS[:3], keys=keys))


def test_one_schema_per_level_versioned_and_published() -> None:
    full, reasons, outcome = (record_schema(level) for level in Level)
    assert full.version == outcome.version == RECORD_SCHEMA_VERSION
    assert full.names == reasons.names
    assert full.names[:3] == outcome.names[:3] == ("key", "item", "error")
    assert set(outcome.names) < set(full.names)
    assert [c.name for c in full.columns if not c.nullable] == ["key"]
    ddl = full.to_spark_ddl().split(", ")
    assert [part.split(" ")[0] for part in ddl] == list(full.names)
    assert ddl[0] == "key STRING NOT NULL"
    assert "refund_amount DECIMAL(18,6)" in ddl
    arrow = full.to_arrow()
    assert arrow.names == list(full.names)
    assert arrow.field("refund_amount").type == pa.decimal128(18, 6)
    assert arrow.field("refund_earliest").type == pa.date32()
    assert arrow.metadata == {b"atlier_policy.records": RECORD_SCHEMA_VERSION.encode()}
    assert list(full.to_polars()) == list(full.names)
    assert full.to_polars()["customer_pays"] == pl.Decimal(18, 6)
    meta = outcome.empty_pandas()
    assert list(meta.columns) == list(outcome.names)
    assert len(meta) == 0
    assert str(meta["item"].dtype) == "Int32"
    assert str(meta["granted"].dtype) == "boolean"
    with pytest.raises(InputError, match="output level"):
        record_schema("everything")


@pytest.mark.parametrize("level", list(Level))
def test_json_records_validate_and_read_back(level: Level) -> None:
    """JSON records (amounts as decimal strings, dates as ISO dates) validate against the
    published JSON Schema and read back to the same rows."""
    schema = record_schema(level)
    validator = jsonschema.Draft202012Validator(
        schema.to_json_schema(), format_checker=jsonschema.FormatChecker()
    )
    for row in iter_records([*DOCS, *BAD], level=level):
        doc = json.loads(json.dumps(json_row(row)))
        validator.validate(doc)
        assert from_json_row(doc, schema) == row
    assert not validator.is_valid({**json_row(next(iter_records(DOCS))), "extra": 1})


def _frames_input(docs: list[Any]) -> tuple[list[str], list[str]]:
    texts = [d if isinstance(d, str) else json.dumps(d) for d in docs]
    return texts, [f"k{i}" for i in range(len(texts))]


@pytest.mark.parametrize("level", list(Level))
def test_pandas_arrow_and_polars_batches_equal_the_rows(level: Level) -> None:
    """The same records from a pandas, Arrow (batch and table) and Polars batch, typed by
    the schema, in the caller's keys."""
    texts, keys = _frames_input([*DOCS, "not json"])
    rows = list(iter_records(texts, keys=keys, level=level))
    arrow_schema = record_schema(level).to_arrow()

    batch = decide_batch(pa.RecordBatch.from_pydict({"case": texts, "key": keys}), level=level)
    assert batch.schema == arrow_schema
    assert batch.to_pylist() == rows
    table = decide_batch(pa.table({"key": keys, "case": texts}), level=level)
    assert isinstance(table, pa.Table)
    assert table.to_pylist() == rows

    frame = decide_batch(pd.DataFrame({"case": texts, "key": keys}), level=level)
    assert list(frame.dtypes) == list(record_schema(level).empty_pandas().dtypes)
    assert _pandas_rows(frame) == rows

    polars = decide_batch(pl.DataFrame({"case": texts, "key": keys}), level=level)
    assert polars.schema == pl.Schema(record_schema(level).to_polars())
    assert polars.to_dicts() == [_quantized(r) for r in rows]

    columns = decide_batch(texts, level=level)
    assert list(columns) == list(record_schema(level).names)
    assert [dict(zip(columns, v, strict=True)) for v in zip(*columns.values(), strict=True)] == [
        {**r, "key": str(i)} for i, r in _numbered(rows)
    ]


def _numbered(rows: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Each row with its case's position (rows of one case share a key)."""
    order = list(dict.fromkeys(r["key"] for r in rows))
    return [(order.index(r["key"]), r) for r in rows]


def _pandas_rows(frame: Any) -> list[dict[str, Any]]:
    return [
        {k: (None if v is pd.NA else v) for k, v in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


def _quantized(row: dict[str, Any]) -> dict[str, Any]:
    """A row as Polars gives it back: its amounts at the schema's 6 places."""
    return {k: v.quantize(Decimal("1e-6")) if isinstance(v, Decimal) else v for k, v in row.items()}


def test_batches_of_different_stages_concatenate() -> None:
    """A batch of lost parcels only and a batch of exchanges only have one schema (no
    column typed null, no other precision), so they concatenate."""
    parcels = [d for d in DOCS if d["stage"] == "lost_parcel"]
    exchanges = [d for d in DOCS if d["stage"] == "exchange"]
    a = decide_batch(pa.RecordBatch.from_pydict({"case": [json.dumps(d) for d in parcels]}))
    b = decide_batch(pa.RecordBatch.from_pydict({"case": [json.dumps(d) for d in exchanges]}))
    table = pa.Table.from_batches([a, b])
    assert table.num_rows == len(parcels) + len(exchanges)
    assert a.column("customer_pays").null_count == a.num_rows  # all null, still decimal
    assert b.column("customer_pays").null_count < b.num_rows
    assert a.schema == b.schema == table.schema
    assert pd.concat([a.to_pandas(), b.to_pandas()]).shape[0] == table.num_rows


def test_a_frame_without_the_case_column_is_refused() -> None:
    with pytest.raises(InputError, match="`case` must be a column of case documents"):
        decide_batch(pd.DataFrame({"doc": ["{}"]}))
    frame = decide_batch(pd.DataFrame({"doc": [json.dumps(DOCS[0])]}), case_column="doc")
    assert frame["key"].tolist() == ["0"]


def test_a_missing_engine_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("pyarrow", "polars", "pandas"):
        monkeypatch.setitem(sys.modules, name, None)  # what an uninstalled module gives
    schema = record_schema()
    for make, name in (
        (schema.to_arrow, "pyarrow"),
        (schema.to_polars, "polars"),
        (schema.empty_pandas, "pandas"),
    ):
        with pytest.raises(InputError, match=f"pip install {name}"):
            make()


def test_a_policy_of_ones_own() -> None:
    """With a policy, every case is judged under it (no version lookup)."""
    policy = default_policy()
    rows = list(iter_records(DOCS, policy=policy))
    assert {r["policy_version"] for r in rows} == {policy.version}


# --- the CLI ------------------------------------------------------------------------------


def _lines_file(tmp_path: Path) -> tuple[Path, list[str]]:
    lines = [json.dumps(d) for d in DOCS] + ["not json", "", '{"stage": 1}']
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path, lines


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_format_records_is_iter_records_keyed_by_line(tmp_path: Path, jobs: str) -> None:
    path, lines = _lines_file(tmp_path)
    out = tmp_path / "records.jsonl"
    assert main(["batch", str(path), "--format", "records", "-o", str(out), "--jobs", jobs]) == 0
    got = [json.loads(line) for line in out.read_text().splitlines()]
    keyed = [(str(n), line) for n, line in enumerate(lines, 1) if line]
    want = iter_records([line for _, line in keyed], keys=[k for k, _ in keyed])
    assert got == [json_row(r) for r in want]


@pytest.mark.parametrize("level", ["full", "outcome"])
def test_batch_format_parquet_holds_the_same_records(
    tmp_path: Path, level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Parquet file holds the JSON records, typed by the schema, written in row groups
    of a bounded size (memory stays flat on any input)."""
    monkeypatch.setattr("atlier_policy.cli._PARQUET_ROWS", 4)
    path, _ = _lines_file(tmp_path)
    jsonl, parquet = tmp_path / "r.jsonl", tmp_path / "r.parquet"
    common = ["batch", str(path), "--level", level, "--format"]
    assert main([*common, "records", "-o", str(jsonl)]) == 0
    assert main([*common, "parquet", "-o", str(parquet)]) == 0
    schema = record_schema(level)
    table = pq.read_table(parquet)
    assert table.schema.equals(schema.to_arrow())
    rows = [from_json_row(json.loads(line), schema) for line in jsonl.read_text().splitlines()]
    assert table.to_pylist() == rows
    assert pq.ParquetFile(parquet).metadata.num_row_groups == -(-len(rows) // 4)


def test_batch_parquet_of_no_case_is_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n")
    out = tmp_path / "r.parquet"
    assert (
        main(["batch", str(tmp_path / "empty.jsonl"), "--format", "parquet", "-o", str(out)]) == 0
    )
    table = pq.read_table(out)
    assert table.num_rows == 0
    assert table.schema.equals(record_schema().to_arrow())


def test_batch_parquet_needs_a_file_and_pyarrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = _lines_file(tmp_path)
    assert main(["batch", str(path), "--format", "parquet"]) == 2
    assert "`--output` must be a file for --format parquet" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    out = tmp_path / "r.parquet"
    assert main(["batch", str(path), "--format", "parquet", "-o", str(out)]) == 2
    assert "pip install pyarrow" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("level", list(Level))
def test_schema_prints_the_record_schema(level: Level, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", f"records-{level.value}"]) == 0
    assert json.loads(capsys.readouterr().out) == record_schema(level).to_json_schema()


# --- after the adversarial review ----------------------------------------------------------


def test_a_subclass_of_a_frame_is_that_frame() -> None:
    """A subclass of an engine's frame (GeoDataFrame, a user's own) is that kind of frame,
    never iterated as a list of documents."""

    class MyFrame(pd.DataFrame):
        pass

    class MyPolars(pl.DataFrame):
        pass

    texts, keys = _frames_input(DOCS[:2])
    want = list(iter_records(texts, keys=keys))
    assert _pandas_rows(decide_batch(MyFrame({"case": texts, "key": keys}))) == want
    polars = decide_batch(MyPolars({"case": texts, "key": keys}))
    assert polars.to_dicts() == [_quantized(r) for r in want]


@pytest.mark.parametrize(
    "batch",
    [
        '{"stage": "lost_parcel"}',
        b"[]",
        {"case": ["{}"]},
        pd.Series(["{}"]),
        pa.array(["{}"]),
        pa.chunked_array([["{}"]]),
        pl.Series(["{}"]),
        pl.LazyFrame({"case": ["{}"]}),
        42,
    ],
    ids=[
        "str",
        "bytes",
        "dict",
        "pandas series",
        "arrow array",
        "chunked",
        "polars series",
        "lazy",
        "int",
    ],
)
def test_what_is_not_a_batch_is_refused(batch: Any) -> None:
    """A string, a mapping, a series or a lazy frame is the caller's mistake, named: never
    judged character by character or key by key."""
    with pytest.raises(InputError, match="`batch` must be a list of case documents"):
        decide_batch(batch)


def test_duplicate_columns_are_refused() -> None:
    doubled = pd.DataFrame([["{}", "{}"]], columns=["case", "case"])
    with pytest.raises(InputError, match="`case` must be one column of that name"):
        decide_batch(doubled)
    keys = pa.RecordBatch.from_arrays(
        [pa.array(["{}"]), pa.array(["a"]), pa.array(["b"])], names=["case", "key", "key"]
    )
    with pytest.raises(InputError, match="`key` must be one column of that name"):
        decide_batch(keys)


def test_a_text_case_is_measured_in_bytes_as_the_command_does() -> None:
    """1.2 MB of UTF-8 in 400,000 characters is over the limit, as the line would be."""
    (row,) = iter_records(['{"stage": "' + "€" * 400_000 + '"}'])
    assert (
        row["error"]
        == f"`case` must be at most {frames_module.MAX_CASE_BYTES} bytes (got 'a longer text')"
    )
    (short,) = iter_records(['{"stage": "' + "€" * 1000 + '"}'])
    assert "bytes" not in short["error"]  # read, and refused for what it says


def test_a_missing_cell_reads_as_null_in_the_commands_words(tmp_path: Path) -> None:
    """A null case (pandas None, NaN or NA, Arrow or Polars null) is one error row saying
    null; a document that is not an object is worded as `batch` words it."""
    null = "case: `(document)` must be a JSON object with a `stage` (got null)"
    frame = decide_batch(
        pd.DataFrame({"case": pd.array([None, float("nan"), pd.NA], dtype=object)})
    )
    assert frame["error"].tolist() == [null] * 3
    assert decide_batch(pa.table({"case": pa.array([None], pa.string())})).column(
        "error"
    ).to_pylist() == [null]
    assert (
        decide_batch(pl.DataFrame({"case": [None]}, schema={"case": pl.String})).to_dicts()[0][
            "error"
        ]
        == null
    )
    path = tmp_path / "array.jsonl"
    path.write_text("[1, 2]\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(path), "--format", "records", "-o", str(out)]) == 0
    (row,) = iter_records(["[1, 2]"])
    assert json.loads(out.read_text())["error"] == row["error"]
    assert row["error"].endswith("(got an array)")
