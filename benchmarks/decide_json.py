"""Benchmark: a decision and its JSON text (``to_json``), this library against a baseline.

Run ``python benchmarks/decide_json.py --baseline b7ff7d3`` (a commit of this
repository, or the path of any checkout). The same script runs in fresh interpreters,
in turn, with this checkout's ``src/`` and with the baseline's first on ``PYTHONPATH``
(``--runs`` times each). Each run times, in CPU time (``time.process_time``), least
over its rounds, µs per case of::

    to_json(atlier_policy.evaluate(case))

on two sets of typed cases decoded beforehand: every document in ``examples/`` (all
six stages, some with several items), and the generated single-item return requests
of ``peers.py``. The decision alone is timed too, for information. The least figure
over the runs is kept, and the speed-up is baseline ÷ this library.

Without ``--baseline`` it measures the library it imports and prints one JSON object
(what each side of a comparison runs). Only API that exists since issue 13 is used
(``atlier_policy.evaluate``, ``atlier_policy.codec.to_json`` and ``case_from_dict``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from _common import (
    BASELINE_COMMIT,
    alternate,
    baseline_checkout,
    describe_checkout,
    least,
    library_path,
    load_examples,
    report,
    table,
)

GOAL = 3.0  # issue 14: decision + to_json at least 3x faster than b7ff7d3


def _cpu_per_case(run: Any, cases: list[Any], calls: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(calls):
            run(cases)
        best = min(best, (time.process_time() - start) / (calls * len(cases)))
    return best * 1e6


def measure(peer_cases: int, calls: int, rounds: int) -> dict[str, Any]:
    """This process's library: µs per case of each set, decision alone and + ``to_json``."""
    import peers
    from atlier_policy import evaluate
    from atlier_policy.codec import case_from_dict, to_json

    sets = {
        "examples": [case_from_dict(doc) for doc in load_examples(previous_forms=True).values()],
        "peers cases": peers.make_cases(peer_cases),
    }

    def decide(cases: list[Any]) -> None:
        for case in cases:
            evaluate(case)

    def decide_json(cases: list[Any]) -> None:
        for case in cases:
            to_json(evaluate(case))

    us = {}
    for name, cases in sets.items():
        decide_json(cases)  # warm-up (first use of every lazy import and table)
        # The peers set is larger: fewer passes over it give as much time per round.
        n = max(1, calls * len(sets["examples"]) // len(cases))
        us[f"{name}: decision + to_json"] = _cpu_per_case(decide_json, cases, n, rounds)
        us[f"{name}: decision"] = _cpu_per_case(decide, cases, n, rounds)
    sizes = {name: len(cases) for name, cases in sets.items()}
    return {"library": library_path(), "us": us, "cases": sizes}


def run(
    baseline: str = BASELINE_COMMIT,
    runs: int = 3,
    peer_cases: int = 2000,
    calls: int = 40,
    rounds: int = 5,
) -> dict[str, Any]:
    checkout = baseline_checkout(baseline)
    args = ["--peer-cases", str(peer_cases), "--calls", str(calls), "--rounds", str(rounds)]
    samples = alternate(Path(__file__), args, checkout, runs)
    cur = least([r["us"] for r in samples["current"]])
    base = least([r["us"] for r in samples["baseline"]])
    speedup = {k: base[k] / cur[k] for k in cur if k in base}
    res: dict[str, Any] = {
        "baseline": describe_checkout(checkout),
        "current": describe_checkout(Path(__file__).resolve().parent.parent),
        "runs": runs,
        "rounds": rounds,
        "cases": samples["current"][0]["cases"],
        "us_current": cur,
        "us_baseline": base,
        "speedup": speedup,
    }
    res["goals"] = [
        {
            "goal": f"{k} ≥ {GOAL:g}× faster than {res['baseline']}",
            "ratio": speedup[k],
            "target": GOAL,
            "met": speedup[k] >= GOAL,
        }
        for k in speedup
        if k.endswith("to_json")
    ]
    for k, v in speedup.items():
        print(f"decide_json: {k}: {base[k]:.1f} -> {cur[k]:.1f} µs ({v:.2f}×)", flush=True)
    return res


def markdown(res: dict[str, Any]) -> str:
    rows = [
        (
            k,
            f"{res['us_baseline'][k]:.1f}",
            f"{res['us_current'][k]:.1f}",
            f"{v:.2f}×",
        )
        for k, v in res["speedup"].items()
    ]
    sizes = ", ".join(f"{name} {n:,}" for name, n in res["cases"].items())
    lines = [
        f"CPU µs per case (cases: {sizes}), least of {res['runs']} alternating runs × "
        f"{res['rounds']} rounds; `to_json(atlier_policy.evaluate(case))` on typed cases.",
        "",
        table(
            [
                "measure",
                f"before (`{res['baseline']}`) µs",
                f"after (`{res['current']}`) µs",
                "speed-up",
            ],
            rows,
        ),
        "",
    ]
    lines += [
        f"- {'met' if g['met'] else 'NOT MET'}: {g['goal']} ({g['ratio']:.2f}×)"
        for g in res["goals"]
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--peer-cases", type=int, default=2000, help="generated return requests")
    parser.add_argument("--calls", type=int, default=40, help="passes over the examples per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--baseline",
        metavar="CHECKOUT|COMMIT",
        help=f"compare with this library (e.g. {BASELINE_COMMIT}); "
        "without it, measure the imported library and print JSON",
    )
    parser.add_argument("--runs", type=int, default=3, help="alternating runs of each side")
    args = parser.parse_args(argv)
    if args.baseline is None:
        print(json.dumps(measure(args.peer_cases, args.calls, args.rounds)))
        return 0
    res = run(args.baseline, args.runs, args.peer_cases, args.calls, args.rounds)
    return report(markdown(res))


if __name__ == "__main__":
    sys.exit(main())
