"""The whole-batch function on pandas, Arrow and Polars input: the records of
``iter_records``, in the schema's types, at every level."""

from __future__ import annotations

from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from atlier_policy import decide_batch
from atlier_policy.frames import iter_records, record_schema
from tests_engines.conftest import assert_same_records

LEVELS = ("full", "reasons", "outcome")


def _reference(texts: list[str], keys: list[str], level: str) -> list[dict[str, Any]]:
    return list(iter_records(texts, keys=keys, level=level))


@pytest.mark.parametrize("level", LEVELS)
def test_pandas_input(cases: tuple[list[str], list[str]], level: str) -> None:
    texts, keys = cases
    out = decide_batch(pd.DataFrame({"key": keys, "case": texts}), level=level)
    assert isinstance(out, pd.DataFrame)
    assert tuple(out.columns) == record_schema(level).names
    assert out.dtypes.to_dict() == record_schema(level).empty_pandas().dtypes.to_dict()
    assert_same_records(out.to_dict("records"), _reference(texts, keys, level), level)


def test_pandas_input_int_keys_and_no_keys(cases: tuple[list[str], list[str]]) -> None:
    """An int key column gives the keys as text; no key column gives the positions."""
    texts, _ = cases
    positions = [str(i) for i in range(len(texts))]
    want = _reference(texts, positions, "full")
    with_ints = decide_batch(pd.DataFrame({"key": range(len(texts)), "case": texts}))
    without = decide_batch(pd.DataFrame({"case": texts}))
    assert_same_records(with_ints.to_dict("records"), want)
    assert_same_records(without.to_dict("records"), want)


def test_pandas_dtypes_hold_for_an_all_error_batch() -> None:
    """A chunk of bad lines only has the schema's dtypes too (chunks concatenate)."""
    out = decide_batch(pd.DataFrame({"key": ["a", "b"], "case": ["{bad", "[]"]}))
    assert out.dtypes.to_dict() == record_schema().empty_pandas().dtypes.to_dict()
    assert out["error"].notna().all()
    assert out["item"].isna().all()


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("kind", ["table", "batch"])
def test_arrow_input(cases: tuple[list[str], list[str]], level: str, kind: str) -> None:
    texts, keys = cases
    table = pa.table({"key": keys, "case": texts})
    given = table if kind == "table" else table.combine_chunks().to_batches()[0]
    out = decide_batch(given, level=level)
    assert isinstance(out, pa.Table if kind == "table" else pa.RecordBatch)
    assert out.schema == record_schema(level).to_arrow()
    assert_same_records(out.to_pylist(), _reference(texts, keys, level), level)


def test_arrow_empty_input() -> None:
    empty = pa.table({"key": pa.array([], pa.string()), "case": pa.array([], pa.string())})
    out = decide_batch(empty)
    assert out.num_rows == 0
    assert out.schema == record_schema().to_arrow()


def test_polars_input(cases: tuple[list[str], list[str]]) -> None:
    texts, keys = cases
    out = decide_batch(pl.DataFrame({"key": keys, "case": texts}))
    assert isinstance(out, pl.DataFrame)
    assert dict(out.schema) == record_schema().to_polars()
    assert_same_records(out.to_dicts(), _reference(texts, keys, "full"))


def test_list_input(cases: tuple[list[str], list[str]]) -> None:
    """A list of documents gives columns, keyed by position."""
    texts, _ = cases
    columns = decide_batch(texts[:60])
    assert tuple(columns) == record_schema().names
    rows = [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]
    assert_same_records(rows, list(iter_records(texts[:60])))
