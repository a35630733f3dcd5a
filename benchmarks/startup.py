"""Benchmark: start-up of a fresh process, ``import atlier_policy`` against ``import holidays``.

Run ``python benchmarks/startup.py``. Each measurement is a fresh interpreter
(``python -c ...``), repeated and interleaved; the figures are medians. Inside each
process the import is timed in CPU time, ``time.process_time`` (interpreter start-up
excluded; CPU time, not elapsed time, so other load on the machine does not count); the
wall time of the whole process is recorded too.

Bytecode: an installed package runs from its ``__pycache__``. So that the figures do
not depend on whether the environment writes bytecode (``PYTHONDONTWRITEBYTECODE``),
every process reads and writes its bytecode under one temporary
``PYTHONPYCACHEPREFIX``, filled by a warm-up round that is not counted (for this
library and ``holidays`` alike). ``--source`` keeps the environment as it is instead.

It also lists the country modules in ``sys.modules`` right after ``import
atlier_policy`` (goal: none; a country's module is loaded only when a calendar for it
is used) and after the first decision on an example case: holidays' own
(``holidays.countries.*``) and those the calendar loads alone under a private name
(``atlier_policy._holidays.*``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from _common import ROOT, report, table

EXAMPLES = ROOT / "examples"


def _first_decision(example: str) -> str:
    return (
        "import atlier_policy\n"
        "t_import = time.process_time()\n"
        "from atlier_policy.codec import case_from_dict\n"
        f"doc = json.loads(open({str(EXAMPLES / example)!r}, encoding='utf-8').read())\n"
        "d = atlier_policy.evaluate(case_from_dict(doc))\n"
        "for x in getattr(d, 'items', (d,)):\n"
        "    x.reasons, x.trace, x.obligations\n"
        "t1 = time.process_time()\n"
        "extra = {'first_decision_s': t1 - t_import}\n"
    )


_PRELUDE = "import time, sys, json\nt0 = time.process_time()\n"
_REPORT = (
    "countries = sorted(m for m in sys.modules"
    " if m.startswith(('holidays.countries.', 'atlier_policy._holidays.')))\n"
    "print(json.dumps({'s': t1 - t0, 'countries': countries,"
    " 'holidays_imported': 'holidays' in sys.modules, **extra}))\n"
)
SCRIPTS = {
    "python -c pass": "t1 = time.process_time()\nextra = {}\n",
    "import holidays": "import holidays\nt1 = time.process_time()\nextra = {}\n",
    "import atlier_policy": "import atlier_policy\nt1 = time.process_time()\nextra = {}\n",
    "import atlier_policy + first decision (return request)": _first_decision(
        "return_request_eligible.json"
    ),
    "import atlier_policy + first decision (inspection, refund window)": _first_decision(
        "inspection_refund_approved.json"
    ),
}


def environment(pycache: str | None) -> dict[str, str]:
    """The subprocesses' environment: bytecode under ``pycache`` (None: as it is)."""
    env = dict(os.environ)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def one(script: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _PRELUDE + script + _REPORT],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    wall = time.perf_counter() - t0
    rec: dict[str, Any] = json.loads(out.stdout)
    rec["wall_s"] = wall
    return rec


def _importtime(code: str, env: dict[str, str] | None) -> list[tuple[str, int, int]]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        rows.append((name.strip(), int(self_us), int(cumulative_us)))
    return rows


IMPORTTIME_OF = "import atlier_policy + first decision (return request)"


def importtime_top(
    count: int = 12, env: dict[str, str] | None = None, runs: int = 5
) -> list[dict[str, Any]]:
    """The modules with the largest self time under ``python -X importtime`` (median of
    ``runs``), for ``import atlier_policy`` and the first decision (``IMPORTTIME_OF``):
    ``import atlier_policy`` alone loads almost nothing. The interpreter's own start-up
    modules (those of ``python -c pass``) are left out."""
    startup = {name for name, _, _ in _importtime("pass", env)}
    code = _PRELUDE + SCRIPTS[IMPORTTIME_OF] + _REPORT
    samples: dict[str, list[tuple[int, int]]] = {}
    for _ in range(runs):
        for name, self_us, cumulative_us in _importtime(code, env):
            if name not in startup:
                samples.setdefault(name, []).append((self_us, cumulative_us))
    rows = [
        {
            "module": name.strip(),
            "self_ms": statistics.median(s for s, _ in v) / 1e3,
            "cum_ms": statistics.median(c for _, c in v) / 1e3,
        }
        for name, v in samples.items()
    ]
    rows.sort(key=lambda r: r["self_ms"], reverse=True)
    return rows[:count]


def run(repeat: int = 15, source: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="startup-pycache-") as pycache:
        env = environment(None if source else pycache)
        for script in SCRIPTS.values():  # warm-up: fills the bytecode cache
            one(script, env)
        samples: dict[str, list[dict[str, Any]]] = {k: [] for k in SCRIPTS}
        for _ in range(repeat):  # interleaved, so background load hits all alike
            for name, script in SCRIPTS.items():
                samples[name].append(one(script, env))
        top = importtime_top(env=env)
    res: dict[str, Any] = {"repeat": repeat, "source": source, "runs": {}}
    for name, recs in samples.items():
        cpu_ms = statistics.median(r["s"] for r in recs) * 1e3  # time.process_time()
        entry = {
            "in_process_ms": cpu_ms,
            "in_process_cpu_ms": cpu_ms,  # the same figure, named for run_all.py
            "wall_ms": statistics.median(r["wall_s"] for r in recs) * 1e3,
            "countries_loaded": recs[-1]["countries"],
            "holidays_imported": recs[-1]["holidays_imported"],
        }
        if "first_decision_s" in recs[0]:
            entry["first_decision_ms"] = (
                statistics.median(r["first_decision_s"] for r in recs) * 1e3
            )
        res["runs"][name] = entry
    r = res["runs"]
    hol = r["import holidays"]["in_process_ms"]
    ours = r["import atlier_policy"]["in_process_ms"]
    res["import_overhead_vs_holidays"] = ours / hol - 1
    res["importtime_top"] = top
    res["goals"] = [
        {
            "goal": "import atlier_policy takes at most 1.1× import holidays",
            "ratio": ours / hol,
            "met": ours / hol <= 1.1,
        },
        *(
            {
                "goal": f"{name} takes at most 1.5× import holidays",
                "ratio": v["in_process_ms"] / hol,
                "met": v["in_process_ms"] / hol <= 1.5,
            }
            for name, v in r.items()
            if "first_decision_ms" in v
        ),
        {
            "goal": "no country module loaded by import atlier_policy",
            "ratio": len(r["import atlier_policy"]["countries_loaded"]),
            "met": not r["import atlier_policy"]["countries_loaded"],
        },
    ]
    print("startup: done", flush=True)
    return res


def markdown(res: dict[str, Any]) -> str:
    hol = res["runs"]["import holidays"]["in_process_ms"]
    rows = []
    for name, v in res["runs"].items():
        extra = (
            f" (first decision {v['first_decision_ms']:.1f} ms)" if "first_decision_ms" in v else ""
        )
        ratio = f"{v['in_process_ms'] / hol:.2f}×" if hol else "—"
        names = [m.rsplit(".", 1)[1] for m in v["countries_loaded"] if m != "holidays.countries"]
        countries = (
            f"{len(names)} ({', '.join(names[:3])}{', …' if len(names) > 3 else ''})"
            if names
            else "none"
        )
        if not v["holidays_imported"]:
            countries += " (holidays not imported)"
        rows.append(
            (
                f"`{name}`",
                f"{v['in_process_ms']:.1f}{extra}",
                ratio,
                f"{v['wall_ms']:.1f}",
                countries,
            )
        )
    cache = (
        "bytecode as the environment has it"
        if res["source"]
        else "bytecode cached (a warm-up round first)"
    )
    lines = [
        f"Fresh interpreters, median of {res['repeat']}, {cache}; in-process ms is CPU time"
        " (`time.process_time`) and excludes interpreter start-up, wall ms is the whole"
        " `python -c` process.",
        "",
        table(
            [
                "command",
                "in-process ms",
                "÷ import holidays",
                "wall ms",
                "country modules loaded",
            ],
            rows,
        ),
        "",
    ]
    for g in res["goals"]:
        shown = f"{g['ratio']:.2f}×" if isinstance(g["ratio"], float) else f"{g['ratio']} modules"
        lines.append(f"- {'met' if g['met'] else 'NOT MET'}: {g['goal']} ({shown})")
    top = ", ".join(f"`{r['module']}` {r['self_ms']:.1f}" for r in res["importtime_top"][:8])
    lines += [
        "",
        f"Largest self times under `-X importtime` of `{IMPORTTIME_OF}` (ms, median of 5,"
        f" the interpreter's start-up left out): {top}.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--source",
        action="store_true",
        help="keep the environment's bytecode setting (e.g. compile every module from source)",
    )
    args = parser.parse_args(argv)
    res = run(args.repeat, args.source)
    return report(markdown(res))


if __name__ == "__main__":
    sys.exit(main())
