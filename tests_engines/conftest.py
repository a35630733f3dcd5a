"""Shared fixtures of the engine tests: the cases, the single-process records, and the
comparison of records across engines (the same values, whatever their types).

These tests need the ``engines`` dependency group; an engine that does not import is a
failure (a collection error), never a skip.
"""

from __future__ import annotations

import math
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from atlier_policy.frames import iter_records, record_schema
from tests_engines.cases import ROOT, all_cases

sys.path.insert(0, str(ROOT / "recipes"))

CASES, KEYS = all_cases(400)


@pytest.fixture(scope="session")
def cases() -> tuple[list[str], list[str]]:
    return CASES, KEYS


@pytest.fixture(scope="session")
def reference() -> list[dict[str, Any]]:
    """The single-process records: ``iter_records`` in this process."""
    return list(iter_records(CASES, keys=KEYS))


def normal(value: Any) -> Any:
    """One value in one type: None for every kind of missing, plain ``int``, ``bool``,
    ``str``, ``date`` and ``Decimal``."""
    if value is None or value is getattr(sys.modules.get("pandas"), "NA", None):
        return None
    if isinstance(value, float):  # NaN for a missing value; an int in a float column
        return None if math.isnan(value) else normal(int(value)) if value.is_integer() else value
    if type(value).__module__ == "numpy":  # numpy scalars
        return normal(value.item())
    if type(value).__name__ == "NaTType":
        return None
    if isinstance(value, datetime):  # pandas.Timestamp is one
        return value.date()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (Decimal, date)):
        return value
    raise TypeError(f"unexpected {type(value).__name__} in a record: {value!r}")


def assert_same_records(
    got: list[dict[str, Any]], want: list[dict[str, Any]], level: str = "full"
) -> None:
    """Row for row: the same columns (the schema's, in order) and the same values."""
    names = list(record_schema(level).names)
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert list(g) == names, f"row {i}: columns {list(g)}"
        gn = {k: normal(v) for k, v in g.items()}
        wn = {k: normal(v) for k, v in w.items()}
        assert gn == wn, f"row {i} (key {w['key']!r}) differs"
