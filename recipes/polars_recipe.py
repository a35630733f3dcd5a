"""Polars recipe: decide every case of a Polars DataFrame, a slice at a time.

Copy this file. ``evaluate`` is the whole recipe; ``run`` (used by the tests) and
``main`` (Parquet of cases in, Parquet of records out, memory bounded by the slice)
show it at work::

    python recipes/polars_recipe.py cases.parquet records.parquet   # columns: key, case

The pitfalls it handles:

- Whole slices go to ``decide_batch``; never ``pl.col("case").map_elements(...)`` (a
  Python call per case, and a struct column Polars must infer) nor a per-row ``apply``.
- Polars runs Python functions on one thread, under the GIL: one process uses one core.
  For more, split the input by case count into files and run one process per core.
- Memory: ``main`` reads, decides and writes ``SLICE`` cases at a time, so its peak
  memory does not grow with the file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from atlier_policy import decide_batch
from atlier_policy.frames import record_schema

SLICE = 10_000  # cases per call: large enough to amortise, small enough to bound memory


def evaluate(
    cases: pl.DataFrame, *, level: str = "full", slice_len: int = SLICE
) -> Iterator[pl.DataFrame]:
    """The records (one row per item decision) of a frame with ``key`` and ``case``
    (JSON text) columns, one frame per slice of ``slice_len`` cases."""
    for part in cases.iter_slices(slice_len):
        yield decide_batch(part, level=level)


def run(docs: Iterable[Any], keys: Sequence[str], *, slice_len: int = 100) -> list[dict[str, Any]]:
    """The records of ``docs`` (case documents), in input order."""
    texts = [d if isinstance(d, str) else json.dumps(d) for d in docs]
    cases = pl.DataFrame(
        {"key": list(keys), "case": texts}, schema={"key": pl.String, "case": pl.String}
    )
    frames = list(evaluate(cases, slice_len=slice_len))
    out = pl.concat(frames) if frames else pl.DataFrame(schema=record_schema().to_polars())
    return out.to_dicts()


def main(argv: Sequence[str]) -> int:
    """``python polars_recipe.py CASES.parquet OUT.parquet``: records to Parquet."""
    source, target = argv
    schema = record_schema().to_arrow()
    with pq.ParquetWriter(target, schema) as writer:
        for batch in pq.ParquetFile(source).iter_batches(SLICE, columns=["key", "case"]):
            for frame in evaluate(pl.from_arrow(batch)):  # type: ignore[arg-type]
                writer.write_table(frame.to_arrow().cast(schema))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
