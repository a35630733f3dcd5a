"""Run every benchmark of issue 6 and record the results.

Usage (from the repository root, after ``pip install -e .`` and the ``bench``
dependency group, ``python scripts/group.py bench | pip install -r /dev/stdin``)::

    .venv/bin/python benchmarks/run_all.py            # full: 1,000,000 batch cases
    .venv/bin/python benchmarks/run_all.py --quick    # minutes: 20,000 batch cases

Writes ``benchmarks/results/latest.json`` (machine-readable: every figure, the goals,
the machine) and prints the markdown tables used in ``docs/performance.md``. The
calendar benchmark (``bench_calendar.py``) is separate and unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import batch
import peers
import stages
import startup
from _common import machine, machine_markdown

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 20,000 batch cases")
    parser.add_argument("--batch-cases", type=int, help="override the batch case count")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    quick = args.quick
    batch_cases = args.batch_cases or (20_000 if quick else 1_000_000)

    started = time.perf_counter()
    before = machine()
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "machine": before,
    }
    results["peers"] = peers.run(10_000, 3 if quick else 7)
    results["stages"] = stages.run(5 if quick else 9)
    results["startup"] = startup.run(10 if quick else 20)
    results["batch"] = batch.run(batch_cases, min(batch_cases, 100_000))
    results["loadavg_after"] = machine()["loadavg"]
    results["elapsed_s"] = time.perf_counter() - started

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")

    sections = [
        ("Decision latency against peers", peers.markdown(results["peers"])),
        ("Every stage", stages.markdown(results["stages"])),
        ("Start-up", startup.markdown(results["startup"])),
        ("Batch", batch.markdown(results["batch"])),
    ]
    print()
    for title, body in sections:
        print(f"### {title}\n\n{body}\n")
    after = ", ".join(f"{x:.2f}" for x in results["loadavg_after"])
    print(f"### Machine\n\n{machine_markdown(before)}")
    print(f"- load average after the run: {after}")
    print(f"- total time: {results['elapsed_s'] / 60:.1f} min; results in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
