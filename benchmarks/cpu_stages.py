"""Benchmark: CPU time per evaluation of each stage's examples, for side-by-side runs.

Run ``python benchmarks/cpu_stages.py`` in two checkouts in turn (each with its own
virtual environment), several times, and compare the figures: each is the *least* CPU
time (``time.process_time``) per call over the rounds, which a busy machine inflates
less than wall-clock time. Prints one JSON object, µs per call, by stage: the decision
alone, and with its reasons, trace and obligations read ("full").

Only the public API of every version since issue 6 is used (``default_policy``,
``Policy.evaluate``, the JSON decoder), so that an older commit runs the same script.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from _common import load_examples, materialize
from atlier_policy.policy import default_policy

try:  # the decoder's module before and after issue 13
    from atlier_policy.codec import case_from_dict
except ImportError:  # pragma: no cover - an older checkout
    from atlier_policy.jsonio import case_from_dict  # type: ignore[no-redef]


def cpu_per_call(cases: list[Any], full: bool, calls: int, rounds: int) -> float:
    policy = default_policy()
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(calls):
            for case in cases:
                result = policy.evaluate(case)
                if full:
                    materialize(result)
        best = min(best, (time.process_time() - start) / (calls * len(cases)))
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    by_stage: dict[str, list[Any]] = {}
    for doc in load_examples().values():
        by_stage.setdefault(doc["stage"], []).append(case_from_dict(doc))
    out = {
        f"{stage}{' full' if full else ''}": round(
            cpu_per_call(cases, full, args.calls, args.rounds), 1
        )
        for stage, cases in sorted(by_stage.items())
        for full in (False, True)
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
