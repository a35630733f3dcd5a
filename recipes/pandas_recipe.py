"""pandas recipe: decide every case of a pandas DataFrame in whole chunks.

Copy this file. ``evaluate`` is the whole recipe; ``run`` (used by the tests) and
``main`` (Parquet of cases in, Parquet of records out, memory bounded by the chunk)
show it at work::

    python recipes/pandas_recipe.py cases.parquet records.parquet   # columns: key, case

The pitfalls it handles:

- Whole chunks go to ``decide_batch``; never ``frame.apply(decide, axis=1)`` or
  ``frame["case"].map(...)``: a Python call and a row object per case, and the dtypes
  of every column guessed from what the rows hold.
- ``decide_batch`` returns the schema's dtypes, whatever the chunk holds (an all-error
  chunk too), so the chunks concatenate and write to one Parquet schema.
- Memory: ``main`` reads, decides and writes ``CHUNK`` cases at a time, so its peak
  memory does not grow with the file. One process uses one core (the GIL).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from atlier_policy import decide_batch
from atlier_policy.frames import record_schema

CHUNK = 10_000


def evaluate(
    cases: pd.DataFrame, *, level: str = "full", chunk: int = CHUNK
) -> Iterator[pd.DataFrame]:
    """The records (one row per item decision) of a frame with ``key`` and ``case``
    (JSON text) columns, one frame per chunk of ``chunk`` cases."""
    for start in range(0, len(cases), chunk):
        yield decide_batch(cases.iloc[start : start + chunk], level=level)


def run(docs: Iterable[Any], keys: Sequence[str], *, chunk: int = 100) -> list[dict[str, Any]]:
    """The records of ``docs`` (case documents), in input order."""
    texts = [d if isinstance(d, str) else json.dumps(d) for d in docs]
    cases = pd.DataFrame({"key": list(keys), "case": texts}, dtype=object)
    frames = list(evaluate(cases, chunk=chunk))
    out = pd.concat(frames, ignore_index=True) if frames else record_schema().empty_pandas()
    return out.to_dict("records")


def main(argv: Sequence[str]) -> int:
    """``python pandas_recipe.py CASES.parquet OUT.parquet``: records to Parquet."""
    source, target = argv
    schema = record_schema().to_arrow()
    with pq.ParquetWriter(target, schema) as writer:
        for batch in pq.ParquetFile(source).iter_batches(CHUNK, columns=["key", "case"]):
            for frame in evaluate(batch.to_pandas()):
                writer.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
