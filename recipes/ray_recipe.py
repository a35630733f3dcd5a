"""Ray recipe: decide every case of a Ray Dataset with ``map_batches``.

Copy this file. ``evaluate`` is the whole recipe; ``run`` (used by the tests) and
``main`` (Parquet of cases in, Parquet of records out) show it at work on a local Ray
with ``num_cpus=2``::

    python recipes/ray_recipe.py cases.parquet records/    # columns: key, case

The pitfalls it handles:

- Ray schedules by *logical* CPUs, and Ray Data reserves them for its operators: on
  ``num_cpus=2`` it runs one ``map_batches`` task at a time, and two actors of one CPU
  each hold both CPUs for their whole life, so the Parquet reading task never gets
  one and the run hangs. ``evaluate`` asks for a fixed pool of ``workers`` actors of
  half a CPU each, and ``main`` reads and writes with a quarter: both cores work.
- Batches are sized by case count (``batch_size``), not by bytes, and go whole to
  ``decide_batch`` in Arrow format; never ``Dataset.map`` per row.
- The package must be importable by every worker: installed in the cluster's
  environment (a local Ray shares this one), or shipped with
  ``ray.init(runtime_env={"py_modules": [atlier_policy]})``.
- This module must reach the workers as well: ``start`` sends its code along with the
  tasks (``register_pickle_by_value``), as Ray would not find a script that is not
  installed.
- An actor loads the policy, the calendars and (on the first refund window) every
  ``holidays`` country module once, in its constructor, and keeps them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa
import ray

from atlier_policy import decide_batch

BATCH = 5_000  # cases per batch: a second or so of work, a few MB of memory


class Decide:
    """One worker: loads the policy and calendars once, then decides batch after batch."""

    def __init__(self, level: str = "full") -> None:
        import holidays  # noqa: F401  (what the first refund window would import)

        self.level = level

    def __call__(self, batch: pa.Table) -> pa.Table:
        out: pa.Table = decide_batch(batch.select(["key", "case"]), level=self.level)
        return out


def start(cpus: int = 2, *, preserve_order: bool = True) -> None:
    """A local Ray of ``cpus`` CPUs, without the dashboard, quiet."""
    if __name__ != "__main__":
        # Imported (by the tests, or from a copy in your project that the workers cannot
        # import): ship this module's code to the workers with the task, by value.
        ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    if not ray.is_initialized():
        ray.init(
            num_cpus=cpus,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
            object_store_memory=256 * 1024 * 1024,
        )
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = preserve_order
    ctx.enable_progress_bars = False


def evaluate(
    cases: ray.data.Dataset,
    *,
    level: str = "full",
    workers: int = 2,
    batch_size: int = BATCH,
    cpus_per_worker: float = 0.5,
) -> ray.data.Dataset:
    """The records (one row per item decision) of a dataset with ``key`` and ``case``
    (JSON text) columns."""
    return cases.map_batches(
        Decide,
        fn_constructor_kwargs={"level": level},
        batch_format="pyarrow",
        batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=cpus_per_worker,
    )


def run(docs: Iterable[Any], keys: Sequence[str], *, batch_size: int = 100) -> list[dict[str, Any]]:
    """The records of ``docs`` (case documents), in input order."""
    start()
    texts = [d if isinstance(d, str) else json.dumps(d) for d in docs]
    table = pa.table({"key": list(keys), "case": texts})
    # One block a batch: blocks, like batches, by case count.
    blocks = [table.slice(i, batch_size) for i in range(0, max(1, len(texts)), batch_size)]
    cases = ray.data.from_arrow(blocks)
    out = evaluate(cases, batch_size=batch_size)
    return pa.concat_tables(ray.get(out.to_arrow_refs())).to_pylist()


def main(argv: Sequence[str]) -> int:
    """``python ray_recipe.py CASES.parquet OUT_DIR``: records to Parquet."""
    source, target = argv
    start(preserve_order=False)  # each record carries its key
    light = {"num_cpus": 0.25}
    cases = ray.data.read_parquet(source, columns=["key", "case"], ray_remote_args=light)
    evaluate(cases).write_parquet(target, ray_remote_args=light)
    ray.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
