"""Benchmark: where a return request's time goes, part by part (the profile-and-fix table).

Run ``python benchmarks/parts.py`` in a checkout; run it in two checkouts (before and
after a change) to get before/after figures (benchmarks/results/history.md). It uses only
APIs that exist at every commit measured: each clause's ``check``, ``rule.evaluate``,
``Policy.return_request`` and the decision's attributes. CPU time per call
(``time.process_time``), best of several repeats, so that other processes on the machine
disturb it less than wall time would.
"""

from __future__ import annotations

import argparse
import json
import time
import timeit
from collections.abc import Callable
from typing import Any

from _common import git_commit, load_examples, materialize
from atlier_policy import default_policy
from atlier_policy.codec import case_from_dict
from atlier_policy.rules import Context


def _best(fn: Callable[[], object], number: int, repeat: int) -> float:
    """µs per call, best of ``repeat`` runs of ``number`` calls, in CPU time."""
    timer = timeit.Timer(fn, timer=time.process_time)
    return min(timer.repeat(number=number, repeat=repeat)) / number * 1e6


def measure(number: int = 5000, repeat: int = 5) -> dict[str, float]:
    policy = default_policy()
    request = case_from_dict(load_examples()["return_request_eligible"])
    line = request.lines()[0]
    ctx = Context(line, policy.terms, policy.terms.calendar, policy.terms.tz)

    def full() -> None:
        materialize(policy.return_request(request))

    out: dict[str, float] = {
        "return_request (decision)": _best(lambda: policy.return_request(request), number, repeat),
        "return_request + reasons, trace, obligations": _best(full, number, repeat),
        "return_rule.evaluate (the §1/§2 rules, tree built)": _best(
            lambda: policy.return_rule.evaluate(ctx), number, repeat
        ),
    }
    for clause in policy.return_rule.clauses():
        check: Any = clause.check
        out[f"clause {clause.id}"] = _best(lambda c=check: c(ctx), number, repeat)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--number", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    figures = measure(args.number, args.repeat)
    if args.json:
        print(json.dumps({"commit": git_commit(), "us_per_call": figures}, indent=1))
        return
    print(f"library at {git_commit()}; µs per call (CPU time, best of {args.repeat})")
    for name, us in figures.items():
        print(f"{us:10.2f}  {name}")


if __name__ == "__main__":
    main()
