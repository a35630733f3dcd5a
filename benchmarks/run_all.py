"""Run every benchmark of the speed goals (issue 14) and record the results.

Usage (from the repository root, after ``pip install -e .`` and the ``bench``
dependency group, ``python scripts/group.py bench | pip install -r /dev/stdin``)::

    .venv/bin/python benchmarks/run_all.py            # full; rewrites docs/performance.md
    .venv/bin/python benchmarks/run_all.py --quick    # a smoke run, under a minute

One command measures every figure of issue 14, each ratio in CPU time within the run:
the full decision against rule-engine, zen-engine and a hand-written chain
(``peers.py``); decision + ``to_json`` against the baseline library
(``decide_json.py``, by default commit ``b7ff7d3``, extracted with ``git archive``, or
``--baseline CHECKOUT``); ``atlier-policy batch`` throughput per output level, ``--jobs
2`` scaling and peak memory at two file sizes (``batch.py``); ``import atlier_policy``
and the first decision against ``import holidays`` (``startup.py``); every stage
against the baseline (``cpu_stages.py``); return requests with many items
(``stages.py``); and the business-day calendar (``bench_calendar.py``).

Writes every figure, the goals and the machine to
``benchmarks/results/<date>-<commit>[-quick].json``, prints the markdown of
``docs/performance.md``, and (full run; ``--doc``/``--no-doc`` to choose) writes it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import batch
import bench_calendar
import cpu_stages
import decide_json
import peers
import stages
import startup
from _common import BASELINE_COMMIT, ROOT, machine, machine_markdown, table

RESULTS = Path(__file__).resolve().parent / "results"
DOC = ROOT / "docs" / "performance.md"
PY = ".venv/bin/python"

# How long each part runs: the full run, and the smoke run of --quick.
SETTINGS: dict[str, dict[str, dict[str, Any]]] = {
    "full": {
        "peers": {"n": 10_000, "repeat": 7},
        "decide_json": {"runs": 3, "peer_cases": 2000, "calls": 40, "rounds": 5},
        "cpu_stages": {"runs": 3, "calls": 200, "rounds": 5},
        "items": {"repeat": 7, "min_time": 0.1},
        "startup": {"repeat": 20},
        "batch": {
            "lines": 100_000,
            "memory_lines": (100_000, 1_000_000),
            "profile_lines": 20_000,
            "ceiling_rounds": 5,
        },
        "calendar": {"repeat": 5, "count": 50, "min_time": 0.2},
    },
    "quick": {
        "peers": {"n": 1000, "repeat": 3},
        "decide_json": {"runs": 1, "peer_cases": 300, "calls": 8, "rounds": 2},
        "cpu_stages": {"runs": 1, "calls": 20, "rounds": 2},
        "items": {"repeat": 3, "min_time": 0.02},
        "startup": {"repeat": 3},
        "batch": {
            "lines": 3000,
            "memory_lines": (2000, 10_000),
            "profile_lines": 1000,
            "ceiling_rounds": 1,
        },
        "calendar": {"repeat": 1, "count": 10, "min_time": 0.02},
    },
}


def commands(s: dict[str, dict[str, Any]], baseline: str) -> dict[str, str]:
    """The command that reproduces each part alone, with this run's settings."""
    b = s["batch"]
    return {
        "peers": f"{PY} benchmarks/peers.py --cases {s['peers']['n']} "
        f"--repeat {s['peers']['repeat']}",
        "decide_json": f"{PY} benchmarks/decide_json.py --baseline {baseline} "
        + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in s["decide_json"].items()),
        "cpu_stages": f"{PY} benchmarks/cpu_stages.py --baseline {baseline} "
        + " ".join(f"--{k} {v}" for k, v in s["cpu_stages"].items()),
        "items": f"{PY} benchmarks/stages.py --repeat {s['items']['repeat']}",
        "startup": f"{PY} benchmarks/startup.py --repeat {s['startup']['repeat']}",
        "batch": f"{PY} benchmarks/batch.py --lines {b['lines']} --memory-lines "
        f"{','.join(map(str, b['memory_lines']))} --profile-lines {b['profile_lines']}"
        f" --ceiling-rounds {b['ceiling_rounds']}",
        "calendar": f"{PY} benchmarks/bench_calendar.py --repeat {s['calendar']['repeat']} "
        f"--dates {s['calendar']['count']}",
    }


def head_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "benchmarks"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


# --- the goals table -------------------------------------------------------------------


def _startup_ms(entry: dict[str, Any]) -> tuple[float, str]:
    """startup.py's in-process figure: CPU time when it gives one, else perf_counter."""
    for key, what in (
        ("in_process_cpu_ms", "CPU time"),
        ("cpu_ms", "CPU time"),
        ("in_process_ms", "wall time in the process (startup.py gives no CPU time)"),
    ):
        if key in entry:
            return float(entry[key]), what
    raise KeyError("startup.py's result has no in-process figure")


def _met(flag: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "not measured"}[flag]


def goal_rows(res: dict[str, Any], cmd: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def row(measure: str, goal: str, result: str, met: bool | None, part: str) -> None:
        rows.append(
            {"measure": measure, "goal": goal, "result": result, "met": met, "command": cmd[part]}
        )

    # 1. peers
    us = res["peers"]["us_per_case"]
    full = us["atlier_policy: decision + reasons, trace, obligations"]
    goals = {g["goal"]: g for g in res["peers"]["goals"]}
    for name, peer, goal in (
        ("rule-engine (8 rules)", "rule-engine", "ours (full) >= 5x faster than rule-engine"),
        (
            "zen-engine (decision table, collect)",
            "zen-engine",
            "ours (full) >= 12x faster than zen-engine",
        ),
    ):
        g = goals[goal]
        row(
            f"full decision (reasons read) vs {peer}",
            f"≥ {g['target']}× faster",
            f"{g['ratio']:.2f}× ({full:.1f} µs vs {us[name]:.1f} µs)",
            g["met"],
            "peers",
        )
    g = goals["ours (full) within 40x of the hand-written chain (dict)"]
    row(
        "full decision vs the hand-written `if` chain",
        "within 40×",
        f"{g['ratio']:.0f}× slower ({full:.1f} µs vs {us['hand-written if chain (dict)']:.2f} µs)",
        g["met"],
        "peers",
    )
    # 2. decision + to_json
    dj = res["decide_json"]
    for g in dj["goals"]:
        what = g["goal"].split(" ≥ ")[0]
        row(
            f"{what} vs `{dj['baseline']}`",
            "≥ 3× faster",
            f"{g['ratio']:.2f}× ({dj['us_baseline'][what]:.1f} → {dj['us_current'][what]:.1f} µs)",
            g["met"],
            "decide_json",
        )
    # 3. batch
    ba = res["batch"]
    for g in ba["goals"][:2]:
        level = re.split(r"--(?:output|level) ", g["goal"])[1].split(":")[0]
        got = ba["by_level"].get(level)
        row(
            f"`batch --jobs 1 --level {level}` cases/s",
            f"≥ {g['target']:,}",
            f"{got['cases_per_s_cpu']:,.0f} per CPU second ({got['cases_per_s_wall']:,.0f} wall)"
            if got
            else "not available (no output level option in this CLI)",
            g["met"],
            "batch",
        )
    full_scaling = batch.full_scaling(ba)  # {lines: ratio}, from every full run
    most, _, scaling_met = batch.scaling_verdict(ba)
    drift = batch.cpu_ratio(ba)[most]
    ceiling = ba.get("machine_scaling")  # absent from results recorded before it was measured
    work = ba.get("workload_scaling")  # likewise
    row(
        "`batch --jobs 2` ÷ `--jobs 1` (full, wall time)",
        f"> {batch.GOAL_SCALING}× (at {most:,} lines)",
        "; ".join(f"{v:.2f}× at {n:,} lines" for n, v in full_scaling.items())
        + (
            f" (the machine's ceiling, two pure-Python processes: {ceiling['median']:.2f}×, "
            f"{ceiling['least']:.2f}–{ceiling['most']:.2f}"
            + (
                f"; this workload's, two `--jobs 1` batches at once: {work['median']:.2f}×, "
                f"{work['cpu_in_pair_over_alone']:.2f}× the CPU time each"
                if work
                else ""
            )
            + ")"
            if ceiling
            else ""
        )
        + (
            f"; not comparable at {most:,} lines: `--jobs 2` took {drift:.2f}× the CPU time"
            " of `--jobs 1` (two workers cannot take less than one process: the machine ran"
            " faster during one run than the other)"
            if scaling_met is None
            else ""
        ),
        scaling_met,
        "batch",
    )
    for level, v in ba["by_level"].items():
        if level != "full":
            row(
                f"`batch --jobs 2` ÷ `--jobs 1` ({level}, wall time)",
                f"> {batch.GOAL_SCALING}×",
                f"{v['scaling_jobs2']:.2f}× at {ba['lines']:,} lines",
                v["scaling_jobs2"] > batch.GOAL_SCALING,
                "batch",
            )
    small, big = ba["memory_lines"]
    mem = {(r["lines"], r["jobs"]): r for r in ba["memory"]}
    peak = {int(n): mb for n, mb in ba["peak_rss_mb"].items()}  # str keys once read from JSON
    row(
        f"peak RSS per process, {big:,} lines",
        "< 100 MB",
        f"--jobs 1: {mem[big, 1]['parent_peak_rss_mb']:.1f} MB; --jobs 2: parent "
        f"{mem[big, 2]['parent_peak_rss_mb']:.1f} MB, largest worker "
        f"{mem[big, 2]['worker_peak_rss_mb']:.1f} MB",
        peak[big] < batch.GOAL_MB,
        "batch",
    )
    row(
        f"peak RSS, {big:,} ÷ {small:,} lines",
        f"≤ {batch.GOAL_GROWTH} (not growing)",
        f"{ba['growth']:.2f}× ({peak[big]:.1f} vs {peak[small]:.1f} MB)",
        ba["growth"] <= batch.GOAL_GROWTH,
        "batch",
    )
    for level, v in ba["by_level"].items():
        row(
            f"`batch --jobs 1` ({level}) ÷ `json.dumps(json.loads(line))`, CPU per line",
            "— (for information)",
            f"{v['over_json_round_trip']:.1f}×",
            None,
            "batch",
        )
    # 4. start-up
    runs = res["startup"]["runs"]
    hol, what = _startup_ms(runs["import holidays"])
    ours, _ = _startup_ms(runs["import atlier_policy"])
    row(
        "`import atlier_policy` ÷ `import holidays`",
        "≤ 1.1×",
        f"{ours / hol:.2f}× ({ours:.1f} vs {hol:.1f} ms, {what})",
        ours / hol <= 1.1,
        "startup",
    )
    firsts = [k for k in runs if "first decision" in k]
    for key in sorted(firsts, key=lambda k: "return request" not in k):
        t, _ = _startup_ms(runs[key])
        label = key.split("first decision", 1)[1].strip(" ()") or "first decision"
        row(
            f"import + first decision ({label}) ÷ `import holidays`",
            "≤ 1.5×",
            f"{t / hol:.2f}× ({t:.1f} ms)",
            t / hol <= 1.5,
            "startup",
        )
    # 5. every stage
    cs = res["cpu_stages"]
    ratios = cs["current_over_baseline"]
    slower = [k for k, r in ratios.items() if r > cpu_stages.TOLERANCE]
    row(
        f"every stage (decision; full) vs `{cs['baseline']}`",
        f"none slower (after ÷ before ≤ {cpu_stages.TOLERANCE}, noise)",
        f"{min(ratios.values()):.2f}–{max(ratios.values()):.2f} (worst `{cs['worst']}`)"
        + (f"; slower: {', '.join(slower)}" if slower else ""),
        not slower,
        "cpu_stages",
    )
    # issue 6: many items; issue 2: the calendar
    it = res["items"]
    row(
        "return request, µs per item at 1,000 items ÷ at 10 (issue 6)",
        "≤ 1.5",
        f"{it['per_item_1000_vs_10']:.2f}",
        it["linear"],
        "items",
    )
    calendar = (
        (
            "calendar: `add_business_days` vs holidays' `get_nth_working_day`, n = 10",
            "≥ 20× faster",
        ),
        ("calendar: vs numpy's scalar `busday_offset`, worst n", "≥ 3× faster"),
        ("calendar: cost at n = 2,500 ÷ at n = 7", "≤ 1.3×"),
    )
    for (measure, goal), g in zip(calendar, res["calendar"]["goals"], strict=True):
        row(f"{measure} (issue 2)", goal, f"{g['ratio']:.2f}×", g["met"], "calendar")
    return rows


# --- the document ----------------------------------------------------------------------


def render(res: dict[str, Any], json_path: Path) -> str:
    rows = res["goal_rows"]
    m = res["machine"]
    when = res["when"][:10]
    kind = "quick (smoke) run" if res["quick"] else "full run"
    rel = (
        json_path.resolve().relative_to(ROOT)
        if json_path.resolve().is_relative_to(ROOT)
        else json_path
    )
    goal_table = table(
        ["measure", "goal", "result", "met?", "command"],
        [(r["measure"], r["goal"], r["result"], _met(r["met"]), f"`{r['command']}`") for r in rows],
        align="lllll",
    )
    after = ", ".join(f"{x:.2f}" for x in res["loadavg_after"])
    load = max(m["loadavg"][0], res["loadavg_after"][0])
    busy = (
        f" **The machine was busy** (1-minute load average up to {load:.1f} on {m['nproc']} "
        "cores): the wall-time figures (batch cases/s in wall time, `--jobs 2` scaling, "
        "start-up) are pessimistic; the CPU-time ones much less so."
        if load >= 1.0
        else ""
    )
    sections = [
        ("Decision against peers", peers.markdown(res["peers"])),
        ("Decision + `to_json` against the baseline", decide_json.markdown(res["decide_json"])),
        ("Every stage, before and after", cpu_stages.markdown(res["cpu_stages"])),
        ("Return requests with many items", stages.items_markdown(res["items"])),
        ("Batch", batch.markdown(res["batch"])),
        ("Start-up", startup.markdown(res["startup"])),
        ("Business-day calendar", bench_calendar.markdown(res["calendar"])),
    ]
    out = [
        "# Performance",
        "",
        "<!-- Generated by benchmarks/run_all.py: run it again rather than edit this file. -->",
        "",
        f"The speed goals (issue 14) as measured now: library at commit `{m['commit']}` "
        f"(the last commit touching `src/`), benchmarks at `{res['head']}`, on {when}, "
        f"{kind} of `{PY} benchmarks/run_all.py{' --quick' if res['quick'] else ''}` "
        f"({res['elapsed_s'] / 60:.1f} min). Raw figures: `{rel}`. Earlier measurements "
        "and the story of issues 2, 6 and 13: "
        "[`benchmarks/results/history.md`](../benchmarks/results/history.md).",
        "",
        "## Goals",
        "",
        goal_table,
        "",
        "Every ratio is taken within one run, in CPU time (`time.process_time`, or user + "
        "system time of the batch processes): other jobs on the machine inflate CPU time far "
        "less than wall time. Comparisons with peers are interleaved round by round in one "
        "process; comparisons with the baseline library run the same script in fresh "
        f"interpreters, in turn, with each library's `src/` first on `PYTHONPATH` "
        f"(`--baseline {res['baseline']}`: a checkout, or a commit extracted with `git "
        "archive`), the least figure of each side kept. Only `--jobs 2` scaling is wall "
        "time, as it must be." + busy,
        "",
        "## How to run",
        "",
        "```sh",
        "python3 -m venv .venv && .venv/bin/pip install -e . && "
        ".venv/bin/python scripts/group.py bench | .venv/bin/pip install -r /dev/stdin",
        f"{PY} benchmarks/run_all.py            # full: every row above; rewrites this file",
        f"{PY} benchmarks/run_all.py --quick    # smoke run, under a minute; prints only",
        "```",
        "",
        "Each row's command reproduces that row alone. `--baseline CHECKOUT|COMMIT` "
        f"(default `{BASELINE_COMMIT}`) chooses the library the before/after rows compare "
        "with. `benchmarks/profile_hot.py` profiles the hot paths (a profile, not a "
        "benchmark); `benchmarks/parts.py` times the parts of a return request.",
        "",
        "## Details",
        "",
    ]
    for title, body in sections:
        out += [f"### {title}", "", body, ""]
    out += [
        "## Machine",
        "",
        machine_markdown(m),
        f"- load average after the run: {after}",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run, under a minute")
    parser.add_argument(
        "--baseline",
        default=BASELINE_COMMIT,
        metavar="CHECKOUT|COMMIT",
        help=f"the library of the before/after rows (default {BASELINE_COMMIT})",
    )
    parser.add_argument("--batch-lines", type=int, help="lines of the batch throughput runs")
    parser.add_argument(
        "--memory-lines", type=batch._pair, metavar="SMALL,BIG", help="the memory runs' sizes"
    )
    parser.add_argument("--output", type=Path, help="the JSON result (default: results/)")
    parser.add_argument(
        "--render",
        type=Path,
        metavar="RESULT.json",
        help="measure nothing: print (and with --doc write) the document of an earlier run",
    )
    doc = parser.add_mutually_exclusive_group()
    doc.add_argument("--doc", action="store_true", help="write docs/performance.md (quick too)")
    doc.add_argument("--no-doc", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args(argv)
    if args.render:
        res = json.loads(args.render.read_text(encoding="utf-8"))
        res["goal_rows"] = goal_rows(res, res["commands"])  # with this script's rows
        # The batch goal judged as batch.py does now.
        most, value, met = batch.scaling_verdict(res["batch"])
        for g in res["batch"]["goals"]:
            if g["goal"].startswith("--jobs 2"):
                g["goal"] = f"--jobs 2 ÷ --jobs 1 (full, wall time, {most:,} lines) > {g['target']}"
                g["value"], g["met"] = value, met
        text = render(res, args.render)
        print(text)
        if args.doc:
            DOC.write_text(text, encoding="utf-8")
        return 0
    s = {k: dict(v) for k, v in SETTINGS["quick" if args.quick else "full"].items()}
    if args.batch_lines:
        s["batch"]["lines"] = args.batch_lines
    if args.memory_lines:
        s["batch"]["memory_lines"] = args.memory_lines
    cmd = commands(s, args.baseline)

    started = time.perf_counter()
    res: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "baseline": args.baseline,
        "head": head_commit(),
        "machine": machine(),
        "settings": s,
        "commands": cmd,
    }
    res["peers"] = peers.run(s["peers"]["n"], s["peers"]["repeat"])
    res["decide_json"] = decide_json.run(args.baseline, **s["decide_json"])
    res["cpu_stages"] = cpu_stages.run(args.baseline, **s["cpu_stages"])
    res["items"] = stages.items_scaling(**s["items"])
    res["startup"] = startup.run(**s["startup"])
    res["calendar"] = bench_calendar.run(**s["calendar"])
    res["batch"] = batch.run(**s["batch"])
    res["loadavg_after"] = machine()["loadavg"]
    res["elapsed_s"] = time.perf_counter() - started
    res["goal_rows"] = goal_rows(res, cmd)

    stamp = res["when"][:10]
    name = f"{stamp}-{res['head']}{'-quick' if args.quick else ''}.json"
    out = args.output or RESULTS / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2, default=str) + "\n", encoding="utf-8")
    text = render(res, out)
    print()
    print(text)
    if args.doc or not (args.quick or args.no_doc):
        DOC.write_text(text, encoding="utf-8")
        print(f"written: {DOC.relative_to(ROOT)}")
    print(f"results: {out}; total {res['elapsed_s'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
