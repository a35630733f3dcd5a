"""Benchmark: ``atlier-policy batch`` throughput, scaling, peak memory and where the time goes.

Run ``python benchmarks/batch.py [--lines 100000] [--memory-lines 100000,1000000]``.

1. Generates the cases with ``benchmarks/make_cases.py`` (the examples in turn with
   fresh order ids, one line in a hundred malformed on purpose).
2. Throughput: runs ``atlier-policy batch FILE --jobs J`` (output to /dev/null, so it is
   encoded and written but not stored) on ``--lines`` lines for J = 1 and 2, for each
   output level: ``full``, ``reasons`` and ``outcome`` when the CLI has an option for
   the level (found in ``atlier-policy batch --help``: an option whose choices include
   ``outcome``), else only the CLI's one output, reported as ``full`` (the other
   levels "not available"). Cases per second are given in CPU time (user + system of
   the batch process and its workers: what a core delivers, whatever else runs on
   the machine) and in wall time; ``--jobs 2`` scaling is wall time (J=1 ÷ J=2), for
   every file size run (the memory runs of step 3 too); the goal is judged on the
   largest file, where the workers' start-up weighs least.
3. Peak memory at two file sizes (``--memory-lines``), ``--jobs 1`` and ``--jobs 2``,
   output ``full``. The parent (it reads and writes, and with ``--jobs 1`` evaluates):
   the batch process runs the CLI's ``main()`` under a small wrapper (``python -c``)
   that reads its own peak RSS (``VmHWM`` in ``/proc/self/status``) when ``main()``
   returns. The workers: the ``VmHWM`` of each process under it, sampled from
   ``/proc`` every 0.2 s; the largest is kept. (Not ``ru_maxrss``: Linux carries it
   over an exec, so it would report the starting process's RSS, 60 MB for run_all.py.)
   The summed RSS of the whole process tree is given too (it counts shared pages once
   per process).
4. Batch CPU time per line ÷ ``json.dumps(json.loads(line))`` per line, in-process, on
   the same lines: how far the CLI is from a bare JSON round trip. And the machine's own
   ceiling for ``--jobs 2`` (:func:`machine_scaling`): how much faster two processes of
   a pure-Python loop run than one, the most any batch could scale here; and this
   workload's (:func:`workload_scaling`): two ``batch --jobs 1`` runs at once against one.
5. In-process, over the first ``--profile-lines`` lines, splits the time of each line
   into JSON parsing (``loads``), validation (``case_from_dict``), evaluation
   (``evaluate``) and output (``decision_to_dict`` + ``dumps``), as the CLI does it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _common import ROOT, report, table

LEVELS = ("full", "reasons", "outcome")
GOALS_CASES_PER_S = {"full": 15_000, "outcome": 30_000}  # issue 14, --jobs 1
GOAL_SCALING = 1.7  # issue 14: --jobs 2 over --jobs 1
GOAL_MB = 100  # issue 14: peak memory per process
GOAL_GROWTH = 1.10  # "not growing with the file": the larger file's peak ÷ the smaller's

# The batch process: the CLI's main() (as the console script runs it), then its own peak
# RSS and the CPU time of itself and its (joined) workers. The peak is VmHWM, not
# ru_maxrss: Linux carries ru_maxrss over an exec, so a process started by a large one
# (run_all.py, 60 MB with rule-engine, zen-engine and numpy loaded) would report the
# starter's RSS; VmHWM belongs to the process's own memory since its exec.
_WRAPPER = """\
import json, resource, sys
from atlier_policy.cli import main
rc = main(sys.argv[2:])
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
hwm = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump({"self_hwm_kb": hwm,
               "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}, f)
sys.exit(rc)
"""


def level_option() -> tuple[str | None, tuple[str, ...]]:
    """The batch option that chooses the output level, and its levels; (None, ()) if none."""
    text = subprocess.run(
        [sys.executable, "-m", "atlier_policy", "batch", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    m = re.search(r"(--[\w-]+)[ =]\{([\w,\s]*\boutcome\b[\w,\s]*)\}", text)
    if m:
        return m.group(1), tuple(c.strip() for c in m.group(2).split(","))
    for block in re.split(r"\n(?=\s{1,4}-)", text):  # an option with a metavar of its own
        m = re.match(r"\s*(?:-\w[\w-]*(?: \S+)?, )?(--[\w-]+)", block)
        if m and all(re.search(rf"\b{w}\b", block) for w in LEVELS):
            return m.group(1), LEVELS
    return None, ()


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


def _status_kb(pid: int, field: str) -> int:
    """A ``/proc/PID/status`` figure in kB (``VmRSS``, ``VmHWM``); 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Every 0.2 s: the summed RSS of a process and its descendants (its peak), and the
    peak RSS (``VmHWM``) of each descendant (the workers; the largest is kept)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()
        self.descendant_hwm_kb = 0

    def run(self) -> None:
        if not Path("/proc").is_dir():
            return
        while not self.done.wait(0.2):
            kids = _children(self.pid)
            total = sum(_status_kb(p, "VmRSS") for p in (self.pid, *kids))
            self.peak_kb = max(self.peak_kb, total)
            hwm = max((_status_kb(p, "VmHWM") for p in kids), default=0)
            self.descendant_hwm_kb = max(self.descendant_hwm_kb, hwm)


def run_batch(path: Path, lines: int, jobs: int, level: str, option: str | None) -> dict[str, Any]:
    """One ``atlier-policy batch`` run: wall and CPU time, peak RSS of parent and workers."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        usage_path = Path(f.name)
    cmd = [sys.executable, "-c", _WRAPPER, str(usage_path), "batch", str(path)]
    cmd += ["--jobs", str(jobs)] + ([option, level] if option else [])
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.done.set()
    sampler.join()
    try:
        if proc.returncode != 0:
            raise SystemExit(f"batch failed ({proc.returncode}): {' '.join(cmd[3:])}\n{err}")
        usage = json.loads(usage_path.read_text(encoding="utf-8"))
    finally:
        usage_path.unlink(missing_ok=True)
    res: dict[str, Any] = {
        "lines": lines,
        "jobs": jobs,
        "level": level,
        "wall_s": wall,
        "cpu_s": usage["cpu_s"],
        "cases_per_s_wall": lines / wall,
        "cases_per_s_cpu": lines / usage["cpu_s"],
        "parent_peak_rss_mb": usage["self_hwm_kb"] / 1024,
        "worker_peak_rss_mb": sampler.descendant_hwm_kb / 1024 if jobs > 1 else None,
        "tree_peak_rss_mb": sampler.peak_kb / 1024,
        "summary": next((ln for ln in err.splitlines() if "atlier-policy batch:" in ln), ""),
    }
    worker = res["worker_peak_rss_mb"]
    print(
        f"batch: {lines:,} lines --jobs {jobs} ({level}): {wall:.1f} s wall, "
        f"{res['cpu_s']:.1f} s CPU, {res['cases_per_s_cpu']:,.0f} cases per CPU second, "
        f"parent {res['parent_peak_rss_mb']:.1f} MB"
        + (f", largest worker {worker:.1f} MB" if worker is not None else ""),
        flush=True,
    )
    return res


def json_round_trip(path: Path, lines: int, rounds: int = 3) -> float:
    """CPU µs per line of ``json.dumps(json.loads(line))``, least of ``rounds``."""
    with path.open("rb") as fh:
        data = [line for _, line in zip(range(lines), fh, strict=False)]
    loads, dumps = json.loads, json.dumps
    best = float("inf")
    for _ in range(rounds):
        t0 = time.process_time()
        for line in data:
            dumps(loads(line))
        best = min(best, (time.process_time() - t0) / len(data))
    return best * 1e6


def split_time(path: Path, lines: int) -> dict[str, Any]:
    """Seconds in parsing, validation, evaluation and output over the first ``lines`` lines."""
    from atlier_policy.api import evaluate
    from atlier_policy.codec import case_from_dict, decision_to_dict, dumps, loads
    from atlier_policy.decision import OrderDecision
    from atlier_policy.errors import AtlierPolicyError

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
                spent["validation"] += t2 - t1
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
    return {
        "lines": n,
        "errors": errors,
        "total_s": total,
        "us_per_line": total / n * 1e6,
        "share": {k: v / total for k, v in spent.items()},
        "us_per_line_by_part": {k: v / n * 1e6 for k, v in spent.items()},
    }


def run(
    lines: int = 100_000,
    memory_lines: tuple[int, int] = (100_000, 1_000_000),
    profile_lines: int = 20_000,
    workdir: str | None = None,
    ceiling_rounds: int = 5,
) -> dict[str, Any]:
    option, levels = level_option()
    measured = [lv for lv in LEVELS if lv in levels] if option else ["full"]
    folder = Path(workdir or tempfile.gettempdir())
    paths = {n: folder / f"atlier-bench-cases-{n}.jsonl" for n in {lines, *memory_lines}}
    res: dict[str, Any] = {
        "lines": lines,
        "memory_lines": list(memory_lines),
        "level_option": option,
        "levels": measured,
        "not_available": [lv for lv in LEVELS if lv not in measured],
    }
    try:
        for n, path in sorted(paths.items()):
            generate(n, path)
        res["input_mb"] = {n: path.stat().st_size / 1e6 for n, path in sorted(paths.items())}
        res["throughput"] = [
            run_batch(paths[lines], lines, jobs, level, option)
            for level in measured
            for jobs in (1, 2)
        ]
        reuse = {(r["lines"], r["jobs"]): r for r in res["throughput"] if r["level"] == "full"}
        res["memory"] = [
            reuse.get((n, jobs)) or run_batch(paths[n], n, jobs, "full", option)
            for n in memory_lines
            for jobs in (1, 2)
        ]
        res["machine_scaling"] = machine_scaling(ceiling_rounds)
        res["workload_scaling"] = workload_scaling(
            paths[lines], option, max(1, ceiling_rounds // 2)
        )
        rt = json_round_trip(paths[lines], min(lines, 50_000))
        res["json_round_trip_us_per_line"] = rt
        res["split"] = split_time(paths[lines], min(profile_lines, lines))
    finally:
        for path in paths.values():
            path.unlink(missing_ok=True)

    by = {(r["level"], r["jobs"]): r for r in res["throughput"]}
    res["by_level"] = {}
    for level in measured:
        one, two = by[level, 1], by[level, 2]
        res["by_level"][level] = {
            "cases_per_s_cpu": one["cases_per_s_cpu"],
            "cases_per_s_wall": one["cases_per_s_wall"],
            "scaling_jobs2": one["wall_s"] / two["wall_s"],
            "over_json_round_trip": (one["cpu_s"] / lines * 1e6) / rt,
        }
    small, big = memory_lines
    peak = {
        n: max(
            max(r["parent_peak_rss_mb"], r["worker_peak_rss_mb"] or 0)
            for r in res["memory"]
            if r["lines"] == n
        )
        for n in memory_lines
    }
    res["peak_rss_mb"] = peak
    res["growth"] = peak[big] / peak[small]
    goals = []
    for level, target in GOALS_CASES_PER_S.items():
        got = res["by_level"].get(level)
        goals.append(
            {
                "goal": f"--jobs 1 --level {level}: >= {target:,} cases/s (CPU time)",
                "value": got["cases_per_s_cpu"] if got else None,
                "target": target,
                "met": got["cases_per_s_cpu"] >= target if got else None,
            }
        )
    res["full_scaling_by_lines"] = full_scaling(res)
    most, scaling, met = scaling_verdict(res)
    goals += [
        {
            "goal": f"--jobs 2 ÷ --jobs 1 (full, wall time, {most:,} lines) > {GOAL_SCALING}",
            "value": scaling,
            "target": GOAL_SCALING,
            "met": met,
        },
        {
            "goal": f"peak RSS per process < {GOAL_MB} MB at {big:,} lines (MB)",
            "value": peak[big],
            "target": GOAL_MB,
            "met": peak[big] < GOAL_MB,
        },
        {
            "goal": f"peak RSS does not grow with the file ({big:,} ÷ {small:,} lines ≤ "
            f"{GOAL_GROWTH})",
            "value": res["growth"],
            "target": GOAL_GROWTH,
            "met": res["growth"] <= GOAL_GROWTH,
        },
    ]
    res["goals"] = goals
    return res


# A fixed amount of pure-Python work (dict stores and int-to-text), about 2 s on one core:
# what a batch worker does, without any of this library.
_SPIN = "d = {}\nfor i in range(8_000_000):\n    d[i & 1023] = str(i)\n"


def machine_scaling(rounds: int = 5) -> dict[str, Any]:
    """The machine's own ceiling for ``--jobs 2``: the wall time of one process running
    :data:`_SPIN` ÷ that of two such processes at once, ×2, in fresh interpreters, round
    after round (median, least, most). Two cores that each deliver a core's work give
    2.0; a virtual machine whose cores slow each other (shared physical cores, other
    tenants) gives less, and no batch can scale past it."""

    def wall(n: int) -> float:
        t0 = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", _SPIN]) for _ in range(n)]
        for p in procs:
            if p.wait() != 0:
                raise RuntimeError("the pure-Python loop failed")
        return time.perf_counter() - t0

    ratios = sorted(2 * wall(1) / wall(2) for _ in range(rounds))
    return {
        "rounds": rounds,
        "median": ratios[len(ratios) // 2],
        "least": ratios[0],
        "most": ratios[-1],
    }


def workload_scaling(path: Path, option: str | None, rounds: int = 3) -> dict[str, Any]:
    """This workload's own ceiling for ``--jobs 2``: the wall time of one ``batch --jobs 1``
    of ``path`` ÷ that of two such runs at once, ×2, round after round (median, least,
    most), and the CPU time a run takes in the pair ÷ alone. A pure-Python loop
    (:func:`machine_scaling`) touches little memory; a batch allocates and reads much
    more, so two of them at once may slow each other where two loops do not. No
    scheduling of work between processes gets past this ceiling."""

    cmd = [sys.executable, "-m", "atlier_policy", "batch", str(path), "--output", "/dev/null"]
    cmd += [option, "full"] if option else []

    def one_round(n: int) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        procs = [subprocess.Popen(cmd, stderr=subprocess.DEVNULL) for _ in range(n)]
        for p in procs:
            if p.wait() != 0:
                raise RuntimeError("a batch run failed")
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu / n

    ratios, cpu_ratios = [], []
    for _ in range(rounds):
        (w1, c1), (w2, c2) = one_round(1), one_round(2)
        ratios.append(2 * w1 / w2)
        cpu_ratios.append(c2 / c1)
    ratios.sort()
    return {
        "rounds": rounds,
        "median": ratios[len(ratios) // 2],
        "least": ratios[0],
        "most": ratios[-1],
        "cpu_in_pair_over_alone": sorted(cpu_ratios)[len(cpu_ratios) // 2],
    }


# Two workers share the machine: together they take at least the CPU time one process
# takes for the same lines (start-up and contention only add). A --jobs 2 run that took
# less ran on a faster machine than the --jobs 1 run did (other tenants, clock speed),
# and its wall-time ratio measures that drift, not --jobs: no verdict is drawn from it.
MIN_CPU_RATIO = 0.98


def cpu_ratio(res: dict[str, Any]) -> dict[int, float]:
    """CPU time of ``--jobs 2`` ÷ that of ``--jobs 1``, output ``full``, for each size run."""
    return {n: 1 / r for n, r in _one_over_two(res, "cpu_s").items()}


def scaling_verdict(res: dict[str, Any]) -> tuple[int, float, bool | None]:
    """The largest file's lines, its ``--jobs 2`` scaling, and whether that meets the goal
    (``None``: not comparable, the machine's speed changed between the two runs)."""
    scaling = full_scaling(res)
    most = max(scaling)
    if cpu_ratio(res)[most] < MIN_CPU_RATIO:
        return most, scaling[most], None
    return most, scaling[most], scaling[most] > GOAL_SCALING


def full_scaling(res: dict[str, Any]) -> dict[int, float]:
    """``--jobs 2`` ÷ ``--jobs 1`` in wall time, output ``full``, for each file size run."""
    return _one_over_two(res, "wall_s")


def _one_over_two(res: dict[str, Any], key: str) -> dict[int, float]:
    """``key`` of the ``--jobs 1`` run ÷ that of the ``--jobs 2`` run, output ``full``, for
    each file size run."""
    value = {
        (r["lines"], r["jobs"]): r[key]
        for r in (*res["throughput"], *res["memory"])
        if r["level"] == "full"
    }
    return {
        n: value[n, 1] / value[n, 2] for n, jobs in sorted(value) if jobs == 2 and (n, 1) in value
    }


def markdown(res: dict[str, Any]) -> str:
    def mb(v: float | None) -> str:
        return "—" if v is None else f"{v:.1f}"

    rows = [
        (
            f"{r['lines']:,}",
            r["level"],
            r["jobs"],
            f"{r['wall_s']:.1f}",
            f"{r['cpu_s']:.1f}",
            f"{r['cases_per_s_wall']:,.0f}",
            f"{r['cases_per_s_cpu']:,.0f}",
            mb(r["parent_peak_rss_mb"]),
            mb(r["worker_peak_rss_mb"]),
            mb(r["tree_peak_rss_mb"]),
        )
        for r in (*res["throughput"], *(m for m in res["memory"] if m not in res["throughput"]))
    ]
    levels = ", ".join(
        f"{lv}: {v['over_json_round_trip']:.1f}×" for lv, v in res["by_level"].items()
    )
    sp = res["split"]
    ms = res["machine_scaling"]
    ws = res.get("workload_scaling")  # absent from results recorded before it was measured
    srows = [
        (part, f"{sp['us_per_line_by_part'][part]:.1f}", f"{sp['share'][part]:.0%}")
        for part in sp["us_per_line_by_part"]
    ]
    srows.append(("total", f"{sp['us_per_line']:.1f}", "100%"))
    option = (
        f"output level option `{res['level_option']}`"
        if res["level_option"]
        else "no output level option in this CLI: its one output is reported as `full`"
    )
    na = ", ".join(res["not_available"]) or "none"
    lines = [
        f"Generated cases (1% malformed), output to /dev/null; {option}; levels not "
        f"available: {na}. CPU = user + system time of the batch process and its workers "
        "(`getrusage`); peak RSS = `VmHWM` of `/proc/PID/status`: the parent's read by "
        "itself at the end, each worker's sampled every 0.2 s (the largest shown); the "
        "tree is the summed RSS of all, sampled every 0.2 s.",
        "",
        table(
            [
                "lines",
                "output",
                "--jobs",
                "wall s",
                "CPU s",
                "cases/s (wall)",
                "cases/s (CPU)",
                "parent MB",
                "largest worker MB",
                "tree MB",
            ],
            rows,
        ),
        "",
        f"The machine's own ceiling for `--jobs 2`: two processes of a pure-Python loop at "
        f"once run {ms['median']:.2f}× as fast as one (median of {ms['rounds']} "
        f"round{'s' if ms['rounds'] != 1 else ''}; "
        f"{ms['least']:.2f}–{ms['most']:.2f}); a batch cannot scale past it."
        + (
            f" Two `batch --jobs 1` runs of the {res['lines']:,} lines at once: "
            f"{ws['median']:.2f}× as fast as one (median of {ws['rounds']}; "
            f"{ws['least']:.2f}–{ws['most']:.2f}), each taking "
            f"{ws['cpu_in_pair_over_alone']:.2f}× the CPU time it takes alone: this "
            "workload's own ceiling, whatever `--jobs` does."
            if ws
            else ""
        ),
        "",
        f"`json.dumps(json.loads(line))`: {res['json_round_trip_us_per_line']:.1f} CPU µs per "
        f"line; batch `--jobs 1` CPU per line ÷ that: {levels}.",
        "",
        f"Where the time goes, in-process over {sp['lines']:,} lines ({sp['errors']:,} "
        "malformed), µs per line (wall):",
        "",
        table(["part", "µs/line", "share"], srows),
        "",
    ]
    for g in res["goals"]:
        shown = "not available" if g["value"] is None else f"{g['value']:,.2f}"
        met = {True: "met", False: "NOT MET", None: "not measured"}[g["met"]]
        lines.append(f"- {met}: {g['goal']} ({shown})")
    return "\n".join(lines)


def _pair(text: str) -> tuple[int, int]:
    small, big = (int(x) for x in text.split(","))
    return small, big


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--lines", type=int, default=100_000, help="lines for throughput")
    parser.add_argument(
        "--memory-lines",
        type=_pair,
        default=(100_000, 1_000_000),
        metavar="SMALL,BIG",
        help="the two file sizes of the memory runs (default 100000,1000000)",
    )
    parser.add_argument("--profile-lines", type=int, default=20_000)
    parser.add_argument("--workdir", help="where the generated files go (default: $TMPDIR)")
    parser.add_argument(
        "--ceiling-rounds",
        type=int,
        default=5,
        help="rounds of the machine's own --jobs 2 ceiling (default 5)",
    )
    args = parser.parse_args(argv)
    res = run(args.lines, args.memory_lines, args.profile_lines, args.workdir, args.ceiling_rounds)
    return report(markdown(res))


if __name__ == "__main__":
    sys.exit(main())
