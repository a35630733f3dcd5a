"""Benchmark: instructions per call, this library against a baseline (valgrind's callgrind).

Run ``python benchmarks/instructions.py --baseline COMMIT|CHECKOUT [--calls 150]``.

Time on this machine's virtual cores drifts by a third from minute to minute (see
``benchmarks/results/history.md``), more than most changes gain; the number of
instructions a piece of work executes does not. Each workload runs in a fresh
interpreter under ``valgrind --tool=callgrind``, twice: once over ``--calls`` cases and
then over the same cases again, and once over them only once. The difference divided by
the calls is the instructions per call in the steady state, as ``peers.py`` measures
time (rounds over the same cases): the first pass builds every template and calendar
table the counted pass meets. The package is compiled to bytecode first: the first run
after a change counted compiling it (hundreds of millions of instructions, a "decision"
row of 1.9M a call). The garbage collector is off while the passes run and hashing is
seeded, so that both runs do the same work. (Until 2026-12-01 the warm-up was 100 *other* cases, and
the counted calls built templates of patterns it had not met: see ``history.md``.)
Needs valgrind; about 20 s a run, 44 runs. ``--only TEXT`` keeps the workloads whose
name holds ``TEXT``; each workload's figures are printed as they come (stderr).

``--startup`` adds the start-up of a fresh process in instructions, the deterministic
counterpart of ``startup.py``'s CPU times: ``import holidays``, ``import atlier_policy``
and the import plus the first decision on two examples, each less ``python -c pass``,
as a ratio to ``import holidays`` (the issue-14 goals: 1.1× and 1.5×). Bytecode comes
from a warm-up run, as in ``startup.py``.

Workloads, on the generated one-item return requests of ``peers.py`` and the lines of
``make_cases.py``: a decision; a decision with its reasons, trace and obligations read;
a decision and ``to_json``; a ``batch`` line at ``--level full`` and at ``outcome`` (the
CLI's ``_decide_line``, parsing to output text). Then each stage's examples in
``examples/`` in turn (as ``cpu_stages.py`` has them, in the forms a baseline reads),
decided with reasons, trace and obligations read: the per-stage table without the
machine's noise.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, baseline_checkout, describe_checkout, table

_CALLGRIND = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")
STAGES = ("return_request", "defect_claim", "lost_parcel", "inspection", "cancellation", "exchange")
WORKLOADS = (
    "decision",
    "full",
    "decision + to_json",
    "batch line, full",
    "batch line, outcome",
    *(f"{stage}, full" for stage in STAGES),
)

# One workload in a fresh interpreter: argv = workload index, calls, passes (1 or 2), a
# file of batch lines.
_SCRIPT = """\
import gc
import sys
sys.path.insert(0, {bench!r})
import warnings
warnings.simplefilter("ignore")
import peers
from _common import load_examples, materialize
from atlier_policy import default_policy
try:  # the decoder's module before and after issue 13
    from atlier_policy.codec import case_from_dict
except ImportError:
    from atlier_policy.jsonio import case_from_dict
from atlier_policy.codec import to_json
try:  # the batch line's entry point as issue 14 made it (a baseline may not have it)
    from atlier_policy.cli import _decide_line, _How
    from atlier_policy.codec import Level
    full, outcome = _How(), _How(Level.OUTCOME)
except ImportError:
    _decide_line = full = outcome = None

(which, calls, passes), lines_path = (int(a) for a in sys.argv[1:4]), sys.argv[4]
policy = default_policy()
cases = peers.make_cases(calls)
lines = open(lines_path, "rb").read().splitlines()
work = [
    lambda i: policy.evaluate(cases[i]),
    lambda i: materialize(policy.evaluate(cases[i])),
    lambda i: to_json(policy.evaluate(cases[i])),
    lambda i: _decide_line(i, lines[i], full),
    lambda i: _decide_line(i, lines[i], outcome),
]
# Each stage's examples in turn (the forms both libraries read), with reasons read.
examples = {{stage: [] for stage in {stages!r}}}
for name, doc in sorted(load_examples(previous_forms=True).items()):
    examples[doc["stage"]].append(case_from_dict(doc))
for stage_cases in examples.values():
    work.append(lambda i, c=stage_cases: materialize(policy.evaluate(c[i % len(c)])))
gc.collect()
gc.disable()  # the same work in both runs: no collection falling in one only
for _ in range(passes):
    for i in range(calls):
        work[which](i)
"""


def instructions(src: Path, which: int, calls: int, passes: int, lines: Path) -> int:
    """Instructions executed by one run of the workload, library ``src`` first on the path."""
    script = _SCRIPT.format(bench=str(ROOT / "benchmarks"), stages=STAGES)
    done = subprocess.run(
        [
            *_CALLGRIND,
            sys.executable,
            "-c",
            script,
            str(which),
            str(calls),
            str(passes),
            str(lines),
        ],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    return _collected(done.stderr)


def _collected(stderr: str) -> int:
    found = re.search(r"Collected : (\d+)", stderr)
    if found is None:
        raise RuntimeError(f"callgrind gave no count: {stderr[-500:]}")
    return int(found[1])


def per_call(
    src: Path, calls: int, lines: Path, names: tuple[str, ...] = WORKLOADS
) -> dict[str, float | None]:
    """Instructions per call of each workload in ``names`` for the library at ``src``
    (None: a workload that library cannot run, such as a batch line before issue 14)."""
    # Bytecode first: the first run after a change would count compiling the package
    # (2026-12-01: a "decision" row of 1.9M instructions a call, three times the others).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=False)
    found: dict[str, float | None] = {}
    for name in names:
        i = WORKLOADS.index(name)
        try:
            twice, once = (instructions(src, i, calls, n, lines) for n in (2, 1))
        except subprocess.CalledProcessError:
            found[name] = None
        else:
            found[name] = (twice - once) / calls
        print(f"{src}: {name}: {found[name]}", file=sys.stderr, flush=True)
    return found


def _first_decision(example: str) -> str:
    return (
        "import atlier_policy\n"
        "from atlier_policy.codec import case_from_dict\n"
        f"doc = json.loads(open({str(ROOT / 'examples' / example)!r}, encoding='utf-8').read())\n"
        "d = atlier_policy.evaluate(case_from_dict(doc))\n"
        "for x in getattr(d, 'items', (d,)):\n"
        "    x.reasons, x.trace, x.obligations\n"
    )


STARTUP = {
    "python -c pass": "pass",
    "import holidays": "import holidays",
    "import atlier_policy": "import atlier_policy",
    "import + first decision (return request)": _first_decision("return_request_eligible.json"),
    "import + first decision (inspection, refund window)": _first_decision(
        "inspection_refund_approved.json"
    ),
}


def startup(src: Path) -> dict[str, int]:
    """Instructions of each ``STARTUP`` process with the library at ``src``."""
    with tempfile.TemporaryDirectory(prefix="instructions-pycache-") as pycache:
        env = {
            "PYTHONPATH": str(src),
            "PATH": "/usr/bin:/bin",
            "PYTHONHASHSEED": "0",
            "PYTHONPYCACHEPREFIX": pycache,
        }
        found = {}
        for name, code in STARTUP.items():
            # json first in every process, as startup.py's prelude: not the library's cost.
            subprocess.run([sys.executable, "-c", "import json\n" + code], env=env, check=True)
            done = subprocess.run(
                [*_CALLGRIND, sys.executable, "-c", "import json\n" + code],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            found[name] = _collected(done.stderr)
            print(f"{src}: {name}: {found[name]}", file=sys.stderr, flush=True)
    return found


def startup_rows(before: dict[str, int], after: dict[str, int]) -> list[tuple[str, ...]]:
    """Rows of millions of instructions (less ``python -c pass``) and ÷ ``import holidays``."""
    rows = []
    for name in list(STARTUP)[1:]:
        cells = []
        for found in (before, after):
            own = found[name] - found["python -c pass"]
            hol = found["import holidays"] - found["python -c pass"]
            cells += [f"{own / 1e6:.1f}M", f"{own / hol:.2f}×"]
        rows.append((f"`{name}`", *cells))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--baseline", required=True, help="a commit or a checkout")
    parser.add_argument("--calls", type=int, default=150)
    parser.add_argument("--only", default="", help="the workloads whose name holds this")
    parser.add_argument("--startup", action="store_true", help="also count start-up")
    args = parser.parse_args(argv)
    names = tuple(n for n in WORKLOADS if args.only in n)
    if not names:
        parser.error(f"--only {args.only!r} names no workload (they are: {', '.join(WORKLOADS)})")
    base = baseline_checkout(args.baseline)
    with tempfile.TemporaryDirectory() as tmp:
        lines = Path(tmp) / "lines.jsonl"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "make_cases.py"),
                str(args.calls),
                str(lines),
            ],
            check=True,
        )
        before = per_call(base / "src", args.calls, lines, names)
        after = per_call(ROOT / "src", args.calls, lines, names)
    rows = [
        (name, *(f"{n:,.0f}" if n is not None else "—" for n in (b, a)), ratio)
        for name in names
        for b, a in [(before[name], after[name])]
        for ratio in [f"{b / a:.2f}×" if b is not None and a is not None else "—"]
    ]
    print(
        f"Instructions per call (callgrind), {args.calls} calls, before "
        f"(`{describe_checkout(base)}`) and after (`{describe_checkout(ROOT)}`):\n"
    )
    print(table(["workload", "before", "after", "before ÷ after"], rows))
    if args.startup:
        header = ["process (less `python -c pass`)", "before", "÷ holidays", "after", "÷ holidays"]
        print("\nStart-up of a fresh process, instructions (callgrind), bytecode cached:\n")
        print(table(header, startup_rows(startup(base / "src"), startup(ROOT / "src"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
