"""Dask recipe: decide every case of a Dask DataFrame, partition by partition.

Copy this file. ``evaluate`` is the whole recipe; ``run`` (used by the tests) and
``main`` (JSON Lines or Parquet of cases in, Parquet of records out) show it at work on
a ``LocalCluster`` of two worker processes::

    python recipes/dask_recipe.py cases.parquet records/    # columns: key, case

The pitfalls it handles:

- ``map_partitions`` needs ``meta`` (the output's columns and dtypes), or Dask runs the
  function on a fake partition to guess them, and guesses wrong for all-null columns:
  ``record_schema().empty_pandas()`` is exactly what ``decide_batch`` returns.
- Partitions are sized by case count (``cases_per_partition``), not by bytes.
- Whole partitions go to ``decide_batch``: never ``frame.apply(..., axis=1)`` or a
  per-row ``map`` (a Python call and a DataFrame row per case, many times slower).
- The package must be importable on every worker: installed in the workers'
  environment (a local cluster shares this one), or shipped with
  ``client.upload_file("atlier_policy-<version>-py3-none-any.whl")``.
- Each worker process loads the policy, the calendars and (on the first refund
  window) every ``holidays`` country module once; ``local_client`` does it up front.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd
from dask.distributed import Client, LocalCluster

from atlier_policy import decide_batch
from atlier_policy.frames import record_schema

CASES_PER_PARTITION = 20_000  # about 1 to 2 s of work per task on one core


def evaluate(cases: dd.DataFrame, *, level: str = "full") -> dd.DataFrame:
    """The records (one row per item decision) of a frame with ``key`` and ``case``
    (JSON text) columns; lazy, like any Dask DataFrame."""
    return cases.map_partitions(decide_batch, level=level, meta=record_schema(level).empty_pandas())


def local_client(workers: int = 2) -> Client:
    """Two single-threaded worker processes (the GIL: threads would not run in parallel)."""
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = Client(cluster)
    # The first refund window imports holidays, every country module of it (0.15 s and
    # 40 MB a process): once per worker, up front. A builtin is sent, not this module.
    client.run(importlib.import_module, "holidays")
    return client


def run(
    docs: Iterable[Any],
    keys: Sequence[str],
    *,
    cases_per_partition: int = 100,
    client: Client | None = None,
) -> list[dict[str, Any]]:
    """The records of ``docs`` (case documents), in input order, computed on the cluster."""
    texts = [d if isinstance(d, str) else json.dumps(d) for d in docs]
    frame = pd.DataFrame({"key": list(keys), "case": texts}, dtype=object)
    # Keep the JSON text as Python strings: dask would otherwise convert object columns
    # to pyarrow strings, an extra copy of every document.
    with dask.config.set({"dataframe.convert-string": False}):
        cases = dd.from_pandas(frame, chunksize=cases_per_partition, sort=False)
        owned = client is None
        client = client or local_client()
        try:
            out: pd.DataFrame = client.compute(evaluate(cases)).result()
        finally:
            if owned:
                client.close()
                client.cluster.close()
    return out.to_dict("records")


def main(argv: Sequence[str]) -> int:
    """``python dask_recipe.py CASES.parquet OUT_DIR``: records to Parquet, one file a
    partition."""
    source, target = argv
    with dask.config.set({"dataframe.convert-string": False}), local_client() as client:
        cases = dd.read_parquet(source, columns=["key", "case"])
        rows = cases.map_partitions(len).compute().sum()
        cases = cases.repartition(npartitions=max(1, -(-rows // CASES_PER_PARTITION)))
        evaluate(cases).to_parquet(target, schema=record_schema().to_arrow(), write_index=False)
        client.cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
