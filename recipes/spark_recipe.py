"""Spark recipe: decide every case of a Spark DataFrame with ``mapInArrow``.

Copy this file. ``evaluate`` is the whole recipe; ``run`` (used by the tests) and
``main`` (Parquet of cases in, Parquet of records out) show it at work on ``local[2]``::

    python recipes/spark_recipe.py cases.parquet records/    # columns: key, case

The pitfalls it handles:

- Spark's Python workers run the *system* Python (``python3`` on the PATH) unless
  ``PYSPARK_PYTHON`` says otherwise: then they cannot import the package, or import
  another version of it. ``session`` sets it to this interpreter.
- Spark sizes partitions by bytes (``spark.sql.files.maxPartitionBytes``, 128 MB), not
  by cases: a 76 MB file of a million cases made 2 tasks. ``by_case_count``
  repartitions to ``cases_per_task`` cases a task.
- ``mapInArrow`` hands whole Arrow batches to ``decide_batch``; never a Python UDF per
  row (a Python call and a pickled row per case). ``mapInPandas`` works the same way.
- The package must be importable on every executor: installed there, or shipped with
  ``spark.sparkContext.addPyFile("atlier_policy-<version>-py3-none-any.whl")``.
- Each Python worker loads the policy, the calendars and (on the first refund window)
  every ``holidays`` country module once; Spark reuses its Python workers
  (``spark.python.worker.reuse``, on by default), so that is once per worker.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession

from atlier_policy import decide_batch
from atlier_policy.frames import record_schema

CASES_PER_TASK = 50_000  # a few seconds of work per task on one core
ARROW_BATCH = 5_000  # cases per Arrow batch inside a task (bounds a worker's memory)


def session(master: str = "local[2]") -> SparkSession:
    """A session whose Python workers run this interpreter (``PYSPARK_PYTHON``)."""
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    return (
        SparkSession.builder.master(master)
        .appName("atlier-policy")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH))
        .getOrCreate()
    )


def evaluate(cases: DataFrame, *, level: str = "full") -> DataFrame:
    """The records (one row per item decision) of a frame with ``key`` and ``case``
    (JSON text) columns."""

    def decide(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield decide_batch(batch, level=level)

    return cases.mapInArrow(decide, record_schema(level).to_spark_ddl())


def by_case_count(cases: DataFrame, cases_per_task: int = CASES_PER_TASK) -> DataFrame:
    """``cases`` in partitions of about ``cases_per_task`` cases (a round-robin shuffle)."""
    tasks = max(1, -(-cases.count() // cases_per_task))
    return cases.repartition(tasks)


def run(
    docs: Iterable[Any],
    keys: Sequence[str],
    *,
    cases_per_task: int = 100,
    spark: SparkSession | None = None,
) -> list[dict[str, Any]]:
    """The records of ``docs`` (case documents), in input order."""
    spark = spark or session()
    texts = [d if isinstance(d, str) else json.dumps(d) for d in docs]
    # The position travels with each case so that the records can be put back in input
    # order (Spark does not keep the order across a repartition).
    table = pa.table({"key": list(keys), "case": texts, "pos": range(len(texts))})
    cases = spark.createDataFrame(table)
    tasks = max(1, -(-len(texts) // cases_per_task))
    ordered = cases.repartitionByRange(tasks, "pos").sortWithinPartitions("pos")
    return [row.asDict() for row in evaluate(ordered).collect()]


def main(argv: Sequence[str]) -> int:
    """``python spark_recipe.py CASES.parquet OUT_DIR``: records to Parquet."""
    source, target = argv
    spark = session()
    cases = by_case_count(spark.read.parquet(source).select("key", "case"))
    evaluate(cases).write.mode("overwrite").parquet(target)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
