"""Benchmark: the engine recipes (recipes/) on this machine, and decide_batch's memory.

Run (after ``pip install -e .`` and the ``engines`` dependency group,
``python scripts/group.py engines | pip install -r /dev/stdin``)::

    .venv-engines/bin/python benchmarks/engines.py                  # 1,000,000 cases
    .venv-engines/bin/python benchmarks/engines.py --cases 100000 --no-doc

1. Generates ``--cases`` cases with ``benchmarks/make_cases.py`` (the examples in turn
   with fresh order ids, one line in a hundred malformed on purpose) and stores them as
   Parquet (``key``: the line number; ``case``: the JSON text), as the recipes read them.
   Not timed.
2. Runs each engine's recipe (its ``main``: Parquet of cases in, Parquet of records
   out) in a fresh process: a plain loop (``iter_records``, one process), pandas and
   Polars (whole chunks, one process), Dask (``LocalCluster``, 2 worker processes),
   Spark (``local[2]``, ``mapInArrow``) and Ray (``num_cpus=2``, 2 actors). For each:
   wall time, cases per second, CPU seconds per million cases (user + system of every
   process of the run: the driver, the JVM, the workers, Ray's daemons; sampled every
   0.2 s from ``/proc``, and at least what the run's process reaped), the peak of the
   summed RSS of all those processes (shared pages counted once per process) and the
   largest single process. Each engine's records are checked to be the loop's (the same
   number of rows, the same keys).
3. Storage: the Parquet bytes of the records per million cases (snappy and zstd), and
   the full JSON decisions (``atlier-policy batch``'s output), extrapolated from the
   first 20,000 cases.
4. Memory bounded per chunk: ``decide_batch`` over every case, ``--chunk`` cases a call
   (Arrow in, Arrow out, written to Parquet), in a fresh process: after each tenth of
   the cases, its RSS and the blocks Python's allocator holds. Bounded (not growing
   with the file): Python holds no more objects at the end than after the first tenth,
   and the RSS of the last four tenths stays within 3 % of their mean.
   ``--memory-only`` measures this alone again; ``--render-only`` rewrites the doc from
   the newest results.

Writes ``benchmarks/results/engines-<date>.json`` and (unless ``--no-doc``) the
generated section of ``docs/scale.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import ROOT, machine, machine_markdown, table

RESULTS = Path(__file__).resolve().parent / "results"
DOC = ROOT / "docs" / "scale.md"
ENGINES = ("loop", "pandas", "polars", "dask", "spark", "ray")
CORES = {"loop": 1, "pandas": 1, "polars": 1, "dask": 2, "spark": 2, "ray": 2}
BEGIN, END = "<!-- engines.py: begin -->", "<!-- engines.py: end -->"


# --- the processes of a run: CPU time and memory -------------------------------------------


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    out, todo = [pid], [pid]
    while todo:
        for child in parents.get(todo.pop(), ()):
            out.append(child)
            todo.append(child)
    return out


_TICK = os.sysconf("SC_CLK_TCK")


def _usage(pid: int) -> tuple[float, int, int] | None:
    """CPU seconds (user + system, own), RSS kB, peak RSS kB of one process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            status = {ln.split(":")[0]: ln.split()[1] for ln in f if ln.startswith("Vm")}
    except (OSError, IndexError):
        return None
    cpu = (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
    return cpu, int(status.get("VmRSS", 0)), int(status.get("VmHWM", 0))


class Sampler(threading.Thread):
    """Every 0.2 s, every process under ``pid``: its CPU time (the last seen is kept),
    the summed RSS (its peak is kept) and each process's own peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.done = pid, threading.Event()
        self.cpu: dict[int, float] = {}
        self.peak_total_kb = 0
        self.peak_one_kb = 0

    def sample(self) -> None:
        total = 0
        for p in _tree(self.pid):
            u = _usage(p)
            if u is None:
                continue
            self.cpu[p] = max(self.cpu.get(p, 0.0), u[0])
            total += u[1]
            self.peak_one_kb = max(self.peak_one_kb, u[2])
        self.peak_total_kb = max(self.peak_total_kb, total)

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.sample()


def measure(cmd: list[str], env: dict[str, str], log: Path, timeout: float) -> dict[str, Any]:
    """Run ``cmd`` (output to ``log``); wall time, CPU time and memory of it and
    everything it starts. Past ``timeout`` seconds its process group is killed."""
    before = os.times()
    t0 = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        sampler = Sampler(proc.pid)
        sampler.start()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
    wall = time.perf_counter() - t0
    sampler.done.set()
    sampler.join()
    after = os.times()
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-4000:]
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{tail}")
    reaped = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return {
        "wall_s": wall,
        "cpu_s": max(sum(sampler.cpu.values()), reaped),
        "cpu_s_sampled": sum(sampler.cpu.values()),
        "cpu_s_reaped": reaped,
        "processes": len(sampler.cpu),
        "peak_rss_all_mb": sampler.peak_total_kb / 1024,
        "peak_rss_one_mb": sampler.peak_one_kb / 1024,
    }


# --- what runs in the measured process ------------------------------------------------------


def _loop(source: str, target: str) -> None:
    """The plain loop: ``iter_records`` over every case, written 10,000 rows at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from atlier_policy.frames import iter_records, record_schema

    schema = record_schema().to_arrow()
    with pq.ParquetWriter(target, schema) as writer:
        for batch in pq.ParquetFile(source).iter_batches(10_000, columns=["key", "case"]):
            rows = list(iter_records(batch.column(1).to_pylist(), keys=batch.column(0).to_pylist()))
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))


def _chunked(source: str, target: str, chunk: int, status: str) -> None:
    """decide_batch ``chunk`` cases at a time; after each tenth of the cases, the RSS
    and the blocks Python's allocator holds (``sys.getallocatedblocks``: objects kept
    alive), and the peak RSS after the first tenth and at the end, to ``status``."""
    import pyarrow.parquet as pq

    from atlier_policy import decide_batch
    from atlier_policy.frames import record_schema

    def kb(field: str) -> int:
        with open("/proc/self/status", encoding="utf-8") as f:
            return next(int(ln.split()[1]) for ln in f if ln.startswith(f"{field}:"))

    reader = pq.ParquetFile(source)
    total = reader.metadata.num_rows
    done, early, tenths = 0, 0, []
    with pq.ParquetWriter(target, record_schema().to_arrow()) as writer:
        for batch in reader.iter_batches(chunk, columns=["key", "case"]):
            writer.write_batch(decide_batch(batch))
            done += batch.num_rows
            if done * 10 >= total * (len(tenths) + 1):
                tenths.append(
                    {"cases": done, "rss_kb": kb("VmRSS"), "blocks": sys.getallocatedblocks()}
                )
                if len(tenths) == 1:
                    early = kb("VmHWM")
    result = {"early_kb": early, "end_kb": kb("VmHWM"), "cases": done, "tenths": tenths}
    Path(status).write_text(json.dumps(result))


def bounded(chunked: dict[str, Any]) -> bool:
    """Memory bounded per chunk, not growing with the file: Python holds no more objects
    at the end than after the first tenth (2 % and 10,000 blocks of slack), and the RSS
    has stopped growing: over the last four tenths it stays within 3 % of its mean. (An
    allocator keeps pages it freed and may step up once; a leak keeps rising.)"""
    tenths = chunked["tenths"]
    first, last = tenths[0], tenths[-1]
    objects = last["blocks"] <= first["blocks"] * 1.02 + 10_000
    tail = [t["rss_kb"] for t in tenths[-4:]]
    mean = sum(tail) / len(tail)
    return objects and all(abs(r - mean) <= 0.03 * mean for r in tail)


def child(engine: str, source: str, target: str, chunk: int, status: str) -> None:
    if engine == "loop":
        _loop(source, target)
    elif engine == "chunked":
        _chunked(source, target, chunk, status)
    else:
        sys.path.insert(0, str(ROOT / "recipes"))
        recipe = __import__(f"{engine}_recipe")
        recipe.main([source, target])


# --- the benchmark --------------------------------------------------------------------------


def make_input(n: int, work: Path) -> Path:
    """``n`` generated cases as Parquet (key, case), row groups of 10,000."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    lines = work / "cases.jsonl"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "make_cases.py"), str(n), str(lines)],
        check=True,
    )
    out = work / "cases.parquet"
    with lines.open(encoding="utf-8") as fh:
        texts = [ln.rstrip("\n") for ln in fh]
    table_ = pa.table({"key": [str(i + 1) for i in range(len(texts))], "case": texts})
    pq.write_table(table_, out, row_group_size=10_000)
    print(f"input: {n:,} cases, {lines.stat().st_size / 1e6:.0f} MB of JSON Lines", flush=True)
    return out


def read_records(path: Path) -> Any:
    import pyarrow.dataset as ds

    return ds.dataset(str(path), format="parquet").to_table(columns=["key", "item"])


def storage(records: Path, lines: Path, cases: int, work: Path) -> dict[str, Any]:
    """Parquet MB of the records per million cases; full JSON decisions per million."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from atlier_policy.frames import record_schema

    t = ds.dataset(str(records), format="parquet").to_table()
    t = t.cast(record_schema().to_arrow())
    out: dict[str, Any] = {"record_rows": t.num_rows}
    for codec in ("snappy", "zstd"):
        path = work / f"records-{codec}.parquet"
        pq.write_table(t, path, compression=codec)
        out[f"parquet_{codec}_mb_per_million"] = path.stat().st_size / 1e6 * 1e6 / cases
    sample = min(cases, 20_000)
    head = work / "head.jsonl"
    with lines.open("rb") as src, head.open("wb") as dst:
        for _ in range(sample):
            dst.write(src.readline())
    full = subprocess.run(
        [sys.executable, "-m", "atlier_policy", "batch", str(head)],
        capture_output=True,
        check=False,
    ).stdout
    out["full_json_mb_per_million"] = len(full) / 1e6 * 1e6 / sample
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="atlier-engines-"))
    try:
        source = make_input(args.cases, work)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "benchmarks")}
        engines: dict[str, Any] = {}
        loop_keys: Any = None
        for engine in args.engines:
            target = work / f"out-{engine}"
            cmd = [sys.executable, __file__, "--child", engine, str(source), str(target)]
            res = measure(cmd, env, work / f"{engine}.log", args.timeout)
            res["cases_per_s"] = args.cases / res["wall_s"]
            res["cpu_s_per_million"] = res["cpu_s"] / args.cases * 1e6
            res["cores"] = CORES[engine]
            keys = read_records(target)
            res["records"] = keys.num_rows
            got = sorted(
                zip(keys.column(0).to_pylist(), keys.column(1).to_pylist(), strict=True), key=str
            )
            if loop_keys is None:
                loop_keys = got
            elif got != loop_keys:
                raise SystemExit(f"{engine}: its records are not the plain loop's")
            engines[engine] = res
            print(
                f"{engine}: {res['wall_s']:.1f} s, {res['cases_per_s']:,.0f} cases/s, "
                f"{res['cpu_s_per_million']:,.0f} CPU-s per million, "
                f"peak {res['peak_rss_all_mb']:,.0f} MB (all), "
                f"{res['peak_rss_one_mb']:,.0f} MB (one)",
                flush=True,
            )
        first = work / f"out-{args.engines[0]}"
        stored = storage(first, work / "cases.jsonl", args.cases, work)
        print(f"storage: {stored}", flush=True)
        chunked = measure_chunked(source, work, env, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "cases": args.cases,
        "chunk": args.chunk,
        "engines": engines,
        "storage": stored,
        "chunked": chunked,
        "machine": machine(),
        "versions": _versions(),
    }


def measure_chunked(
    source: Path, work: Path, env: dict[str, str], args: argparse.Namespace
) -> dict[str, Any]:
    """The memory check: decide_batch over every case, ``args.chunk`` at a time, in a
    child process; its RSS and blocks per tenth, and whether they stayed bounded."""
    status = work / "chunked.json"
    cmd = [sys.executable, __file__, "--child", "chunked", str(source), str(work / "chunked")]
    cmd += ["--chunk", str(args.chunk), "--status", str(status)]
    chunked = measure(cmd, env, work / "chunked.log", args.timeout)
    chunked.update(json.loads(status.read_text()))
    chunked["bounded"] = bounded(chunked)
    print(f"decide_batch chunked: {chunked_line(chunked)}", flush=True)
    return chunked


def chunked_line(ch: dict[str, Any]) -> str:
    """The memory check in words: the RSS and Python's blocks at each tenth, the verdict."""
    rss = ", ".join(f"{t['rss_kb'] / 1024:.0f}" for t in ch["tenths"])
    blocks = f"{ch['tenths'][0]['blocks']:,} to {ch['tenths'][-1]['blocks']:,}"
    verdict = "bounded" if ch["bounded"] else "**NOT bounded**"
    return (
        f"RSS after each tenth of the cases {rss} MB (peak {ch['end_kb'] / 1024:.0f} MB), "
        f"Python's allocated blocks {blocks}: {verdict}"
    )


def memory_only(args: argparse.Namespace) -> dict[str, Any]:
    """Measure the memory check again into the newest results file (the engines' rows
    kept as they were measured)."""
    newest = max(RESULTS.glob("engines-*.json"))
    res = json.loads(newest.read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="atlier-engines-"))
    try:
        source = make_input(args.cases, work)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "benchmarks")}
        chunked = measure_chunked(source, work, env, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["chunked"] = chunked
    res["chunked_measured"] = datetime.now(UTC).strftime("%Y-%m-%d")
    return res


def _versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for name in ("pandas", "pyarrow", "polars", "dask", "distributed", "pyspark", "ray"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


NAMES = {
    "loop": "plain loop (`iter_records`)",
    "pandas": "pandas, whole chunks",
    "polars": "Polars, whole slices",
    "dask": "Dask `LocalCluster`, 2 workers",
    "spark": "Spark `local[2]`, `mapInArrow`",
    "ray": "Ray `num_cpus=2`, 2 actors",
}


def markdown(res: dict[str, Any], command: str) -> str:
    rows = [
        [
            NAMES[name],
            e["cores"],
            f"{e['wall_s']:.1f}",
            f"{e['cases_per_s']:,.0f}",
            f"{e['cpu_s_per_million']:,.0f}",
            f"{e['peak_rss_all_mb']:,.0f}",
            f"{e['peak_rss_one_mb']:,.0f}",
        ]
        for name, e in res["engines"].items()
    ]
    header = [
        f"{res['cases']:,} cases",
        "cores",
        "wall s",
        "cases/s",
        "CPU-s per million",
        "peak RSS, all processes (MB)",
        "largest process (MB)",
    ]
    st, ch = res["storage"], res["chunked"]
    versions = ", ".join(f"{k} {v}" for k, v in res["versions"].items() if v)
    return "\n".join(
        [
            BEGIN,
            f"Measured {res['date']} with `{command}`:",
            "",
            table(header, rows),
            "",
            f"- records stored as Parquet: {st['parquet_snappy_mb_per_million']:.0f} MB per "
            f"million cases (snappy), {st['parquet_zstd_mb_per_million']:.0f} MB (zstd); the "
            f"full JSON decisions: {st['full_json_mb_per_million']:,.0f} MB per million.",
            f"- `decide_batch` over {ch['cases']:,} cases, {res['chunk']:,} a call (Arrow in "
            f"and out, written to Parquet): {chunked_line(ch)}"
            + (
                " (measured again, alone, with `--memory-only`)."
                if res.get("chunked_measured")
                else "."
            ),
            f"- engines: {versions}",
            machine_markdown(res["machine"]),
            END,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per engine")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/scale.md")
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "SOURCE", "TARGET"))
    parser.add_argument("--status", default="")
    parser.add_argument(
        "--memory-only", action="store_true", help="measure only the memory check again"
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="write docs/scale.md again from the newest results file (no measurement)",
    )
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child, args.chunk, args.status)
        return 0
    args.engines = args.engines.split(",")
    if args.render_only:
        res = json.loads(max(RESULTS.glob("engines-*.json")).read_text(encoding="utf-8"))
        res["chunked"]["bounded"] = bounded(res["chunked"])
    else:
        res = memory_only(args) if args.memory_only else run(args)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"engines-{res['date']}.json"
    out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    command = "python benchmarks/engines.py" + (
        f" --cases {args.cases}" if args.cases != 1_000_000 else ""
    )
    text = markdown(res, command)
    print(text)
    if not args.no_doc:
        doc = DOC.read_text(encoding="utf-8")
        new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: text, doc, flags=re.S)
        DOC.write_text(new, encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
