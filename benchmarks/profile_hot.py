"""Profile the hot paths with pyinstrument: return requests, and the batch line path.

Run ``python benchmarks/profile_hot.py [--what return_request|batch] [--html OUT]``.
Not a benchmark (the profiler slows everything down): it shows where the time goes.

* ``return_request``: ``policy.return_request`` on the 10,000 generated cases of
  ``peers.py``, reading reasons, trace and obligations of every decision;
* ``batch``: the CLI's per-line work (parse, validate, evaluate, encode) over the
  generated cases of ``make_cases.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from pyinstrument import Profiler

import peers
from _common import load_examples, materialize
from atlier_policy import default_policy
from atlier_policy.cli import _decide_line


def profile_return_request(n: int) -> Profiler:
    cases = peers.make_cases(n)
    policy = default_policy()
    profiler = Profiler(interval=0.0005)
    with profiler:
        for req in cases:
            materialize(policy.return_request(req))
    return profiler


def profile_batch(n: int) -> Profiler:
    docs = list(load_examples().values())
    rng = random.Random(1)
    lines = []
    for i in range(n):
        doc = dict(docs[i % len(docs)])
        doc["order_id"] = f"AJ-{i:08d}"
        lines.append(json.dumps(doc) if rng.random() >= 0.01 else '{"stage": 5}')
    profiler = Profiler(interval=0.0005)
    with profiler:
        for i, text in enumerate(lines, 1):
            _decide_line(i, text)
    return profiler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--what", choices=("return_request", "batch"), default="return_request")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--html", type=Path, help="also write an HTML report here")
    args = parser.parse_args(argv)
    if args.what == "return_request":
        profiler = profile_return_request(args.cases)
    else:
        profiler = profile_batch(args.cases)
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
