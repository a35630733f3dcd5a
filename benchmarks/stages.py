"""Benchmark: latency of every stage evaluator, and of return requests with many items.

Run ``python benchmarks/stages.py``. Inputs are the documents in ``examples/``, decoded
to typed cases beforehand (decoding is not timed). Two variants are timed for each:
the evaluator call alone, and the call plus reading the reasons, trace and obligations
of every item decision (the same cost today; different once they are built lazily).

Then a return request of 1, 10, 100 and 1,000 line items (the items of
``return_request_multi_item.json`` in turn) gives µs per request and per item: the
per-item cost must not grow with the number of items (linear growth). CPU time
(``time.process_time``). For this release's per-stage figures against a baseline, see
``cpu_stages.py --baseline``.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
from typing import Any

from _common import (
    load_examples,
    materialize,
    report,
    side_by_side,
    table,
)
from atlier_policy import default_policy
from atlier_policy.codec import case_from_dict

STAGES = ("return_request", "defect_claim", "lost_parcel", "inspection", "cancellation", "exchange")
SIZES = (1, 10, 100, 1000)


def stage_latency(repeat: int) -> dict[str, Any]:
    policy = default_policy()
    examples = load_examples()
    runs = {}
    for name, doc in examples.items():
        stage = doc["stage"]
        evaluator = getattr(policy, stage)
        case = case_from_dict(copy.deepcopy(doc))

        def decision(ev: Any = evaluator, c: Any = case) -> None:
            ev(c)

        def full(ev: Any = evaluator, c: Any = case) -> None:
            materialize(ev(c))

        runs[f"{stage}|{name}|decision"] = decision
        runs[f"{stage}|{name}|full"] = full
    timed = side_by_side(runs, 1, repeat, min_time=0.05)
    per_example: dict[str, dict[str, Any]] = {}
    for key, t in timed.items():
        stage, name, variant = key.split("|")
        per_example.setdefault(name, {"stage": stage})[variant] = t["median"] * 1e6
    per_stage = {}
    for stage in STAGES:
        rows = [v for v in per_example.values() if v["stage"] == stage]
        per_stage[stage] = {
            "examples": len(rows),
            "decision_median_us": statistics.median(r["decision"] for r in rows),
            "full_median_us": statistics.median(r["full"] for r in rows),
            "full_min_us": min(r["full"] for r in rows),
            "full_max_us": max(r["full"] for r in rows),
        }
    return {"per_stage": per_stage, "per_example": per_example}


def request_with(n: int, examples: dict[str, Any]) -> Any:
    doc = copy.deepcopy(examples["return_request_multi_item"])
    pool = doc["items"]
    items = []
    for i in range(n):
        line = copy.deepcopy(pool[i % len(pool)])
        line["item"]["sku"] = f"{line['item']['sku']}-{i}"
        items.append(line)
    doc["items"] = items
    return case_from_dict(doc)


def items_scaling(repeat: int, min_time: float = 0.1) -> dict[str, Any]:
    policy = default_policy()
    examples = load_examples()
    decide = policy.return_request
    rows = {}
    for n in SIZES:
        req = request_with(n, examples)

        def decision(r: Any = req) -> None:
            decide(r)

        def full(r: Any = req) -> None:
            materialize(decide(r))

        timed = side_by_side({"decision": decision, "full": full}, 1, repeat, min_time=min_time)
        rows[n] = {
            "decision_us": timed["decision"]["median"] * 1e6,
            "full_us": timed["full"]["median"] * 1e6,
        }
        rows[n]["full_us_per_item"] = rows[n]["full_us"] / n
        rows[n]["decision_us_per_item"] = rows[n]["decision_us"] / n
    growth = rows[1000]["full_us_per_item"] / rows[10]["full_us_per_item"]
    return {
        "sizes": rows,
        "per_item_1000_vs_10": growth,
        "linear": growth <= 1.5,
    }


def run(repeat: int = 7) -> dict[str, Any]:
    res = {"stages": stage_latency(repeat), "items": items_scaling(repeat), "repeat": repeat}
    print("stages: done", flush=True)
    return res


def items_markdown(it: dict[str, Any]) -> str:
    """The table of return requests with many line items, and the linear-growth goal."""
    irows = [
        (
            f"{int(n):,}",  # an int, or a str once read back from JSON
            f"{v['decision_us']:,.1f}",
            f"{v['full_us']:,.1f}",
            f"{v['full_us_per_item']:.1f}",
        )
        for n, v in it["sizes"].items()
    ]
    return "\n".join(
        [
            "Return requests with many line items (CPU µs per request; full = with reasons, "
            "trace and obligations of every item):",
            "",
            table(["items", "decision µs", "full µs", "full µs per item"], irows),
            "",
            f"- {'met' if it['linear'] else 'NOT MET'}: linear growth (µs per item at 1,000 "
            f"items ÷ at 10 items = {it['per_item_1000_vs_10']:.2f}, goal ≤ 1.5)",
        ]
    )


def markdown(res: dict[str, Any]) -> str:
    st = res["stages"]["per_stage"]
    rows = [
        (
            f"`{s}`",
            v["examples"],
            f"{v['decision_median_us']:.1f}",
            f"{v['full_median_us']:.1f}",
            f"{v['full_min_us']:.1f}–{v['full_max_us']:.1f}",
        )
        for s, v in st.items()
    ]
    return "\n".join(
        [
            f"Median of {res['repeat']} interleaved rounds, CPU µs per call; each stage's "
            "figure is the median over its examples.",
            "",
            table(
                [
                    "stage",
                    "examples",
                    "decision µs",
                    "+ reasons, trace, obligations µs",
                    "range over examples",
                ],
                rows,
            ),
            "",
            items_markdown(res["items"]),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    res = run(args.repeat)
    return report(markdown(res))


if __name__ == "__main__":
    sys.exit(main())
