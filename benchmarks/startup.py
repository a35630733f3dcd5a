"""Benchmark: start-up of a fresh process, ``import atlier_policy`` against ``import holidays``.

Run ``python benchmarks/startup.py``. Each measurement is a fresh interpreter
(``python -c ...``), repeated; the figures are medians. Inside each process the import
is timed with ``time.perf_counter`` (interpreter start-up excluded); the wall time of
the whole process is recorded too.

It also lists the ``holidays.countries.*`` modules in ``sys.modules`` right after
``import atlier_policy`` (goal: none; a country's module is loaded only when a
calendar for it is used) and after the first decision on an example case.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from typing import Any

from _common import ROOT, report, table

EXAMPLES = ROOT / "examples"


def _first_decision(example: str) -> str:
    return (
        "import atlier_policy\n"
        "t_import = time.perf_counter()\n"
        "from atlier_policy.codec import case_from_dict\n"
        f"doc = json.loads(open({str(EXAMPLES / example)!r}, encoding='utf-8').read())\n"
        "d = atlier_policy.evaluate(case_from_dict(doc))\n"
        "for x in getattr(d, 'items', (d,)):\n"
        "    x.reasons, x.trace, x.obligations\n"
        "t1 = time.perf_counter()\n"
        "extra = {'first_decision_s': t1 - t_import}\n"
    )


_PRELUDE = "import time, sys, json\nt0 = time.perf_counter()\n"
_REPORT = (
    "countries = sorted(m for m in sys.modules if m.startswith('holidays.countries.'))\n"
    "print(json.dumps({'s': t1 - t0, 'countries': countries,"
    " 'holidays_imported': 'holidays' in sys.modules, **extra}))\n"
)
SCRIPTS = {
    "python -c pass": "t1 = time.perf_counter()\nextra = {}\n",
    "import holidays": "import holidays\nt1 = time.perf_counter()\nextra = {}\n",
    "import atlier_policy": "import atlier_policy\nt1 = time.perf_counter()\nextra = {}\n",
    "import atlier_policy + first decision (return request)": _first_decision(
        "return_request_eligible.json"
    ),
    "import atlier_policy + first decision (inspection, refund window)": _first_decision(
        "inspection_refund_approved.json"
    ),
}


def one(script: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _PRELUDE + script + _REPORT],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - t0
    rec: dict[str, Any] = json.loads(out.stdout)
    rec["wall_s"] = wall
    return rec


def importtime_top(count: int = 12) -> list[dict[str, Any]]:
    """The modules with the largest self time under ``python -X importtime``, one run."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import atlier_policy"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        rows.append(
            {
                "module": name.strip(),
                "self_ms": int(self_us) / 1e3,
                "cum_ms": int(cumulative_us) / 1e3,
            }
        )
    rows.sort(key=lambda r: r["self_ms"], reverse=True)
    return rows[:count]


def run(repeat: int = 15) -> dict[str, Any]:
    samples: dict[str, list[dict[str, Any]]] = {k: [] for k in SCRIPTS}
    for _ in range(repeat):  # interleaved, so background load hits all alike
        for name, script in SCRIPTS.items():
            samples[name].append(one(script))
    res: dict[str, Any] = {"repeat": repeat, "runs": {}}
    for name, recs in samples.items():
        entry = {
            "in_process_ms": statistics.median(r["s"] for r in recs) * 1e3,
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
    res["importtime_top"] = importtime_top()
    res["goals"] = [
        {
            "goal": "import atlier_policy adds < 20% to import holidays",
            "ratio": ours / hol - 1,
            "met": ours / hol - 1 < 0.20,
        },
        {
            "goal": "no holidays.countries.* module loaded by import atlier_policy",
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
    lines = [
        f"Fresh interpreters, median of {res['repeat']}; in-process ms excludes interpreter "
        "start-up, wall ms is the whole `python -c` process.",
        "",
        table(
            [
                "command",
                "in-process ms",
                "÷ import holidays",
                "wall ms",
                "holidays.countries loaded",
            ],
            rows,
        ),
        "",
    ]
    for g in res["goals"]:
        shown = f"{g['ratio']:+.0%}" if isinstance(g["ratio"], float) else f"{g['ratio']} modules"
        lines.append(f"- {'met' if g['met'] else 'NOT MET'}: {g['goal']} ({shown})")
    top = ", ".join(f"`{r['module']}` {r['self_ms']:.1f}" for r in res["importtime_top"][:8])
    lines += ["", f"Largest self times under `-X importtime` (ms, one run): {top}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    res = run(args.repeat)
    return report(markdown(res))


if __name__ == "__main__":
    sys.exit(main())
