"""Benchmark: ``atlier-policy batch`` throughput, peak memory, and where the time goes.

Run ``python benchmarks/batch.py [--cases 1000000]``.

1. Generates the cases with ``benchmarks/make_cases.py`` (the examples in turn with
   fresh order ids, one line in a hundred malformed on purpose).
2. Runs ``atlier-policy batch FILE -o /dev/null --jobs J`` as a subprocess for
   J = 1 and 2, under ``/usr/bin/time -v`` when present (peak RSS of the largest single
   process), while sampling ``/proc`` for the summed RSS of the whole process tree
   (parent + workers). Output goes to /dev/null, so it is encoded and written but not
   stored (the decisions of 100,000 cases are about 370 MB).
3. Repeats ``--jobs 1`` on a file a tenth the size: peak memory must not grow with
   the file.
4. In-process, over the first ``--profile-lines`` lines, splits the time of each line
   into JSON parsing (``jsonio.loads``), validation (``case_from_dict``), evaluation
   (``evaluate``) and output (``to_dict`` + ``jsonio.dumps``), as the CLI does it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from _common import ROOT, report, table
from atlier_policy.api import evaluate
from atlier_policy.codec import case_from_dict, decision_to_dict, dumps, loads
from atlier_policy.decision import OrderDecision
from atlier_policy.errors import AtlierPolicyError

TIME = shutil.which("time") if Path("/usr/bin/time").exists() else None


def generate(n: int, path: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "make_cases.py"), str(n), str(path)],
        check=True,
    )
    return time.perf_counter() - t0


def _children(pid: int) -> list[int]:
    """All descendants of ``pid`` (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in parents.get(p, ()):
            out.append(c)
            todo.append(c)
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak of the summed RSS of a process and its descendants, sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        if not Path("/proc").is_dir():
            return
        while not self.done.wait(0.2):
            pids = [self.pid, *_children(self.pid)]
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in pids))


def run_batch(path: Path, jobs: int, cases: int) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "atlier_policy", "batch", str(path), "-o", os.devnull]
    cmd += ["--jobs", str(jobs)]
    if TIME:
        cmd = [TIME, "-v", *cmd]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode}):\n{err}")
    res: dict[str, Any] = {
        "cases": cases,
        "jobs": jobs,
        "wall_s": wall,
        "cases_per_s": cases / wall,
        "cases_per_s_per_job": cases / wall / jobs,
        "tree_peak_rss_mb": sampler.peak_kb / 1024,
        "summary": next((ln for ln in err.splitlines() if "atlier-policy batch:" in ln), ""),
    }
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    if m:
        res["max_rss_mb"] = int(m.group(1)) / 1024
        res["max_rss_source"] = "/usr/bin/time -v (largest single process)"
    else:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        res["max_rss_mb"] = usage.ru_maxrss / 1024
        res["max_rss_source"] = "getrusage(RUSAGE_CHILDREN) (largest child so far)"
    print(
        f"batch: {cases:,} cases --jobs {jobs}: {wall:.1f} s, {res['cases_per_s']:,.0f} cases/s, "
        f"max RSS {res['max_rss_mb']:.1f} MB, tree {res['tree_peak_rss_mb']:.1f} MB",
        flush=True,
    )
    return res


def split_time(path: Path, lines: int) -> dict[str, Any]:
    """Seconds in parsing, validation, evaluation and output over the first ``lines`` lines."""
    spent = {"JSON parsing": 0.0, "validation": 0.0, "evaluation": 0.0, "output": 0.0}
    errors = 0
    clock = time.perf_counter
    with path.open(encoding="utf-8") as fh:
        for lineno, text in enumerate(fh, 1):
            if lineno > lines:
                break
            t0 = clock()
            doc = loads(text)
            t1 = clock()
            try:
                case = case_from_dict(doc)
            except AtlierPolicyError as exc:
                t2 = clock()
                spent["validation"] += t2 - t0 - (t1 - t0)
                dumps({"line": lineno, "error": str(exc)})
                spent["output"] += clock() - t2
                spent["JSON parsing"] += t1 - t0
                errors += 1
                continue
            t2 = clock()
            result = evaluate(case)
            t3 = clock()
            items = result.items if isinstance(result, OrderDecision) else (result,)
            dumps({"line": lineno, **decision_to_dict(result)})
            tuple(d.outcome.value for d in items)
            t4 = clock()
            spent["JSON parsing"] += t1 - t0
            spent["validation"] += t2 - t1
            spent["evaluation"] += t3 - t2
            spent["output"] += t4 - t3
    total = sum(spent.values())
    n = min(lines, lineno)
    print(f"batch: split over {n:,} lines: {total:.1f} s", flush=True)
    return {
        "lines": n,
        "errors": errors,
        "total_s": total,
        "us_per_line": total / n * 1e6,
        "seconds": spent,
        "share": {k: v / total for k, v in spent.items()},
        "us_per_line_by_part": {k: v / n * 1e6 for k, v in spent.items()},
    }


def run(cases: int = 1_000_000, profile_lines: int = 100_000, workdir: str = "/tmp") -> dict:
    small = max(cases // 10, 1000)
    big_path = Path(workdir) / f"atlier-bench-cases-{cases}.jsonl"
    small_path = Path(workdir) / f"atlier-bench-cases-{small}.jsonl"
    res: dict[str, Any] = {"cases": cases, "small_cases": small}
    res["generate_s"] = generate(cases, big_path)
    generate(small, small_path)
    res["input_mb"] = big_path.stat().st_size / 1e6
    try:
        res["runs"] = [run_batch(big_path, jobs, cases) for jobs in (1, 2)]
        res["small_run"] = run_batch(small_path, 1, small)
        res["split"] = split_time(big_path, min(profile_lines, cases))
    finally:
        big_path.unlink(missing_ok=True)
        small_path.unlink(missing_ok=True)
    big1 = res["runs"][0]
    growth = big1["max_rss_mb"] / res["small_run"]["max_rss_mb"]
    per_core = max(r["cases_per_s_per_job"] for r in res["runs"])
    peak_one = max(r["max_rss_mb"] for r in res["runs"])
    peak_tree = max(r["tree_peak_rss_mb"] for r in res["runs"])
    res["goals"] = [
        {
            "goal": ">= 30,000 cases per second per core (best cases/s per job)",
            "ratio": per_core / 30_000,
            "value": per_core,
            "met": per_core >= 30_000,
        },
        {
            "goal": "peak memory under 100 MB per process (MB)",
            "value": peak_one,
            "met": peak_one < 100,
        },
        {
            "goal": "peak memory under 100 MB for the whole process tree (MB)",
            "value": peak_tree,
            "met": peak_tree < 100,
        },
        {
            "goal": f"peak memory does not grow with the file ({cases:,} vs {small:,} cases)",
            "ratio": growth,
            "met": growth < 1.2,
        },
    ]
    return res


def markdown(res: dict[str, Any]) -> str:
    rows = [
        (
            f"{r['cases']:,}",
            r["jobs"],
            f"{r['wall_s']:.1f} s",
            f"{r['cases_per_s']:,.0f}",
            f"{r['cases_per_s_per_job']:,.0f}",
            f"{r['max_rss_mb']:.1f} MB",
            f"{r['tree_peak_rss_mb']:.1f} MB",
        )
        for r in (*res["runs"], res["small_run"])
    ]
    sp = res["split"]
    srows = [
        (part, f"{sp['us_per_line_by_part'][part]:.1f}", f"{sp['share'][part]:.0%}")
        for part in sp["seconds"]
    ]
    srows.append(("total", f"{sp['us_per_line']:.1f}", "100%"))
    lines = [
        f"Input: {res['cases']:,} generated cases ({res['input_mb']:.0f} MB), output to "
        "/dev/null. Peak RSS: `/usr/bin/time -v` (largest single process) and the summed RSS "
        "of the process tree sampled every 0.2 s.",
        "",
        table(
            [
                "cases",
                "--jobs",
                "wall",
                "cases/s",
                "cases/s per job",
                "max RSS (one process)",
                "peak RSS (tree)",
            ],
            rows,
        ),
        "",
        f"Where the time goes, in-process over {sp['lines']:,} lines ({sp['errors']:,} "
        "malformed), µs per line:",
        "",
        table(["part", "µs/line", "share"], srows),
        "",
    ]
    for g in res["goals"]:
        shown = f"{g['value']:,.1f}" if "value" in g else f"{g['ratio']:.2f}×"
        lines.append(f"- {'met' if g['met'] else 'NOT MET'}: {g['goal']} ({shown})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--profile-lines", type=int, default=100_000)
    parser.add_argument("--workdir", default="/tmp")
    args = parser.parse_args(argv)
    res = run(args.cases, args.profile_lines, args.workdir)
    return report(markdown(res))


if __name__ == "__main__":
    sys.exit(main())
