"""Benchmark: CPU time per evaluation of each stage's examples, this library against a baseline.

Run ``python benchmarks/cpu_stages.py --baseline b7ff7d3`` (a commit of this repository,
or the path of any checkout). The same script is run in fresh interpreters, in turn,
with this checkout's ``src/`` and with the baseline's first on ``PYTHONPATH`` (``--runs``
times each); each run gives, per example in ``examples/``, the *least* CPU time
(``time.process_time``) per call over its rounds, which a busy machine inflates less
than wall-clock time. The least figure over the runs is kept, and each stage's figure
is the mean over its examples (those both libraries decode) of µs per call: the
decision alone, and with its reasons, trace and obligations read ("full").

Without ``--baseline`` it measures the library it imports and prints one JSON object
(what each side of a comparison runs).

Only the public API of every version since issue 6 is used (``default_policy``,
``Policy.evaluate``, the JSON decoder), so that an older commit runs the same script.
"""

from __future__ import annotations

import argparse
import json
import statistics
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
    materialize,
    report,
    table,
)

STAGES = ("return_request", "defect_claim", "lost_parcel", "inspection", "cancellation", "exchange")
# A stage slower than the baseline by less than this is within the method's noise.
TOLERANCE = 1.05


def cpu_per_call(policy: Any, case: Any, full: bool, calls: int, rounds: int) -> float:
    """µs of CPU time per ``policy.evaluate(case)`` (and reading it), least over the rounds."""
    best = float("inf")
    evaluate = policy.evaluate
    for _ in range(rounds):
        start = time.process_time()
        if full:
            for _ in range(calls):
                materialize(evaluate(case))
        else:
            for _ in range(calls):
                evaluate(case)
        best = min(best, (time.process_time() - start) / calls)
    return best * 1e6


def measure(calls: int, rounds: int) -> dict[str, Any]:
    """This process's library: µs per call of every example, keyed ``name|stage|variant``."""
    from atlier_policy.policy import default_policy

    try:  # the decoder's module before and after issue 13
        from atlier_policy.codec import case_from_dict
    except ImportError:  # pragma: no cover - an older checkout
        from atlier_policy.jsonio import case_from_dict  # type: ignore[no-redef]

    policy = default_policy()
    us: dict[str, float] = {}
    skipped = []
    for name, doc in load_examples(previous_forms=True).items():
        try:
            case = case_from_dict(doc)
            policy.evaluate(case)
        except Exception as exc:  # an example this version does not know
            skipped.append(f"{name}: {type(exc).__name__}")
            continue
        for full in (False, True):
            key = f"{name}|{doc['stage']}|{'full' if full else 'decision'}"
            us[key] = cpu_per_call(policy, case, full, calls, rounds)
    return {"library": library_path(), "us": us, "skipped": skipped}


def by_stage(us: dict[str, float]) -> dict[str, float]:
    """Mean µs per call over each stage's examples, keyed ``stage`` and ``stage full``."""
    groups: dict[str, list[float]] = {}
    for key, v in us.items():
        _, stage, variant = key.split("|")
        groups.setdefault(stage + (" full" if variant == "full" else ""), []).append(v)
    order = [f"{s}{v}" for s in STAGES for v in ("", " full")]
    return {k: statistics.fmean(groups[k]) for k in order if k in groups}


def run(baseline: str = BASELINE_COMMIT, runs: int = 3, calls: int = 200, rounds: int = 5) -> dict:
    checkout = baseline_checkout(baseline)
    args = ["--calls", str(calls), "--rounds", str(rounds)]
    samples = alternate(Path(__file__), args, checkout, runs)
    cur = least([r["us"] for r in samples["current"]])
    base = least([r["us"] for r in samples["baseline"]])
    common = sorted(set(cur) & set(base))
    cur_st = by_stage({k: cur[k] for k in common})
    base_st = by_stage({k: base[k] for k in common})
    ratios = {k: cur_st[k] / base_st[k] for k in cur_st}
    worst = max(ratios, key=ratios.__getitem__)
    res = {
        "baseline": describe_checkout(checkout),
        "current": describe_checkout(Path(__file__).resolve().parent.parent),
        "runs": runs,
        "calls": calls,
        "rounds": rounds,
        "examples": len({k.split("|")[0] for k in common}),
        "skipped": {side: samples[side][0]["skipped"] for side in samples},
        "us_current": cur_st,
        "us_baseline": base_st,
        "current_over_baseline": ratios,
        "worst": worst,
    }
    res["goals"] = [
        {
            "goal": f"no stage slower than {res['baseline']} (current ÷ baseline ≤ {TOLERANCE}, "
            "the method's noise, for every stage, decision and full)",
            "ratio": ratios[worst],
            "target": TOLERANCE,
            "lower_is_better": True,
            "met": ratios[worst] <= TOLERANCE,
        }
    ]
    print(f"cpu_stages: worst {worst} {ratios[worst]:.2f}× of the baseline", flush=True)
    return res


def markdown(res: dict[str, Any]) -> str:
    rows = [
        (
            f"`{k}`",
            f"{res['us_baseline'][k]:.1f}",
            f"{res['us_current'][k]:.1f}",
            f"{r:.2f}",
            f"{1 / r:.2f}×",
        )
        for k, r in res["current_over_baseline"].items()
    ]
    skipped = "; ".join(f"{side}: {', '.join(s)}" for side, s in res["skipped"].items() if s)
    return "\n".join(
        [
            f"CPU µs per evaluation, mean over the stage's examples ({res['examples']} "
            f"in all); least of {res['runs']} alternating runs × {res['rounds']} rounds of "
            f'{res["calls"]} calls. "full" = with reasons, trace and obligations read.'
            + (f" Skipped (not decoded): {skipped}." if skipped else ""),
            "",
            table(
                [
                    "stage",
                    f"before (`{res['baseline']}`) µs",
                    f"after (`{res['current']}`) µs",
                    "after ÷ before",
                    "speed-up",
                ],
                rows,
            ),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--calls", type=int, default=200)
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
        print(json.dumps(measure(args.calls, args.rounds)))
        return 0
    res = run(args.baseline, args.runs, args.calls, args.rounds)
    return report(markdown(res))


if __name__ == "__main__":
    sys.exit(main())
