"""Shared helpers of the benchmark scripts: the machine, timing, markdown tables."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
# "Today" in issue 14: the library every speed goal of that issue is compared against.
BASELINE_COMMIT = "b7ff7d3"
PACKAGES = (
    "atlier-policy",
    "holidays",
    "python-dateutil",
    "rule-engine",
    "zen-engine",
    "numpy",
    "pyinstrument",
)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit() -> str:
    """The last commit that changed ``src/`` (the library measured), and whether it is dirty."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%h", "--", "src"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return out.stdout.strip() + (" (src/ modified)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> dict[str, Any]:
    """nproc, CPU model, Python, package versions, load average and the commit."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": f"{platform.system()} {platform.machine()}",
        "packages": versions,
        "loadavg": os.getloadavg(),
        "commit": git_commit(),
    }


def machine_markdown(m: dict[str, Any]) -> str:
    pkgs = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    load = ", ".join(f"{x:.2f}" for x in m["loadavg"])
    return "\n".join(
        [
            f"- library (last commit touching src/): {m['commit']}",
            f"- nproc: {m['nproc']}",
            f"- CPU: {m['cpu']}",
            f"- Python: {m['python']} ({m['platform']})",
            f"- packages: {pkgs}",
            f"- load average (1, 5, 15 min) when recorded: {load}",
        ]
    )


def report(tables: str) -> int:
    """Print a script's markdown tables and the machine they were measured on."""
    print()
    print(tables)
    print()
    print(machine_markdown(machine()))
    return 0


def median_per_call(
    run: Callable[[], object], calls: int, repeat: int, min_time: float = 0.2
) -> float:
    """Median over ``repeat`` runs of the seconds per call; ``run()`` makes ``calls`` calls.

    Each timed run repeats ``run()`` enough times to last at least ``min_time``.
    """
    t0 = time.perf_counter()
    run()  # warm-up, and an estimate of the cost
    once = time.perf_counter() - t0
    loops = max(1, int(min_time / once) + 1) if once < min_time else 1
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(loops):
            run()
        samples.append((time.perf_counter() - t0) / (loops * calls))
    return statistics.median(samples)


def side_by_side(
    runs: dict[str, Callable[[], object]],
    calls: int,
    repeat: int,
    min_time: float = 0.2,
    clock: Callable[[], float] = time.process_time,
) -> dict[str, dict[str, float]]:
    """Seconds per call of each run, interleaved: each round times every run once.

    Interleaving spreads any background load evenly over the contenders; the clock is
    the process's CPU time by default (``time.process_time``), which other processes on
    the machine disturb far less than wall time. Returns ``{name: {"median": s, "min":
    s}}`` over ``repeat`` rounds.
    """
    loops = {}
    for name, run in runs.items():
        t0 = clock()
        run()  # warm-up, and an estimate of the cost
        once = clock() - t0
        loops[name] = max(1, int(min_time / once) + 1) if once < min_time else 1
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            t0 = clock()
            for _ in range(loops[name]):
                run()
            samples[name].append((clock() - t0) / (loops[name] * calls))
    return {name: {"median": statistics.median(s), "min": min(s)} for name, s in samples.items()}


def table(header: Sequence[str], rows: Sequence[Sequence[object]], align: str = "") -> str:
    """A markdown table; ``align`` is one letter per column (l or r, r by default)."""
    align = align or "l" + "r" * (len(header) - 1)
    seps = ["---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(seps) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def load_examples(*, previous_forms: bool = False) -> dict[str, Any]:
    """The example documents by name; with ``previous_forms``, written as the release
    before issue 15 wrote them, which a baseline library (``b7ff7d3``) reads as this one
    does (this one with a DeprecationWarning, while decoding, which no benchmark times)."""
    docs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES}
    if previous_forms:
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="atlier_policy")
        return {name: _previous_forms(doc) for name, doc in docs.items()}
    return docs


# The condition flags' names before issue 15 (codec.CONDITION_FLAGS, which a baseline
# library does not have): the benchmark process may import either library.
_OLD_FLAG = {
    "in_original_packaging": "original_packaging",
    "with_all_certificates": "certificates_included",
    "with_all_tags": "tags_included",
    "with_all_accessories": "accessories_included",
}
_PIECE_FACTS = ("condition", "reason", "defect_confirmed")


def _previous_forms(doc: Any) -> Any:
    """``doc`` with the old flag names and an exchange's nested ``"item": {"item": ...}``."""
    if isinstance(doc, list):
        return [_previous_forms(v) for v in doc]
    if not isinstance(doc, dict):
        return doc
    out = {
        k: {_OLD_FLAG.get(f, f): v for f, v in val.items()}
        if k == "condition" and isinstance(val, dict)
        else _previous_forms(val)
        for k, val in doc.items()
    }
    if out.get("stage") == "exchange" and "sku" in out.get("item", {}):
        line = {"item": out["item"], **{k: out.pop(k) for k in _PIECE_FACTS if k in out}}
        out["item"] = line
    return out


def materialize(result: Any) -> None:
    """Touch what a caller reads: reasons, trace, obligations (lazy or eager alike)."""
    items = getattr(result, "items", None)
    for d in items if items is not None else (result,):
        len(d.reasons)
        len(d.trace)
        d.obligations  # noqa: B018


# --- a baseline checkout -------------------------------------------------------------------


def baseline_checkout(spec: str) -> Path:
    """The folder whose ``src/`` holds the baseline library.

    ``spec`` is a checkout (any folder with ``src/atlier_policy``) or a commit of this
    repository, whose ``src/`` is then extracted once with ``git archive`` into
    ``$TMPDIR/atlier-baseline-<commit>`` (no worktree is created, nothing is installed:
    the scripts put that ``src/`` first on ``PYTHONPATH``).
    """
    path = Path(spec).expanduser()
    if (path / "src" / "atlier_policy").is_dir():
        return path.resolve()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", f"{spec}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dest = Path(tempfile.gettempdir()) / f"atlier-baseline-{commit}"
    if not (dest / "src" / "atlier_policy").is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", commit, "src"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def describe_checkout(path: Path) -> str:
    """The commit of a checkout's library (last commit touching ``src/``), or its folder."""
    if path.resolve() == ROOT:
        return git_commit()
    if path.name.startswith("atlier-baseline-"):
        return path.name.removeprefix("atlier-baseline-")
    try:
        return subprocess.run(
            ["git", "log", "-1", "--format=%h", "--", "src"],
            cwd=path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip() or str(path)
    except (OSError, subprocess.CalledProcessError):
        return str(path)


def run_with_library(script: Path, args: Sequence[str], checkout: Path) -> dict[str, Any]:
    """Run a benchmark script in a fresh interpreter with ``checkout/src`` first on the path.

    The script prints one JSON object as its last line of output; it is returned.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(checkout / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    out = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise SystemExit(f"{script.name} failed with the library of {checkout}:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    expected = (checkout / "src" / "atlier_policy").resolve()
    if Path(result.get("library", expected)).resolve().parent != expected:
        raise SystemExit(f"{script.name} ran {result.get('library')}, not {checkout}'s library")
    return result


def alternate(
    script: Path, args: Sequence[str], baseline: Path, runs: int
) -> dict[str, list[dict[str, Any]]]:
    """``runs`` runs of ``script`` on this checkout's library and on the baseline's, in turn.

    Alternating spreads any background load over both sides alike.
    """
    out: dict[str, list[dict[str, Any]]] = {"current": [], "baseline": []}
    for _ in range(runs):
        out["current"].append(run_with_library(script, args, ROOT))
        out["baseline"].append(run_with_library(script, args, baseline))
    return out


def least(samples: list[dict[str, float]]) -> dict[str, float]:
    """The least figure of each key over several runs' ``{key: µs}`` (keys of all runs)."""
    keys = set.intersection(*(set(s) for s in samples)) if samples else set()
    return {k: min(s[k] for s in samples) for k in sorted(keys)}


def library_path() -> str:
    """Where the ``atlier_policy`` imported by this process lives (for a baseline check)."""
    import atlier_policy

    return str(Path(atlier_policy.__file__).resolve())
