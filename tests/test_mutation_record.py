"""The recorded mutation-testing results (docs/mutation-survivors.json, docs/quality.md).

CI does not run the mutation tests (an hour on one core); it runs this check, which
fails when the record has gone stale in ways that can be seen without re-running
them: a surviving mutant whose function was renamed, removed or changed since the
run, a survivor without a reason, counts that do not add up, or a score table in
docs/quality.md that differs from the JSON. It cannot see a new mutant that would
survive, nor that a count is no longer what a new run would give.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
RECORD = json.loads((ROOT / "docs" / "mutation-survivors.json").read_text(encoding="utf-8"))
QUALITY = (ROOT / "docs" / "quality.md").read_text(encoding="utf-8")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
COLUMNS = ("killed", "survived", "timeout", "not_checked", "other", "total")

# mutmut 3 names a mutant <module>.x_<function>__mutmut_<n> or
# <module>.xǁ<Class>ǁ<method>__mutmut_<n>.
NAME = re.compile(
    r"^(?P<module>atlier_policy(?:\.[a-z_]+)*)\."
    r"(?:x_(?P<function>\w+?)|xǁ(?P<cls>\w+)ǁ(?P<method>\w+?))__mutmut_\d+$"
)


def _source_file(module: str) -> Path:
    """The file of a module; a package's own mutants are in its ``__init__.py``."""
    path = ROOT / "src" / module.replace(".", "/")
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _function(name: str) -> tuple[str, ast.FunctionDef | ast.AsyncFunctionDef | None]:
    """The dotted name of a mutant's function and its definition (None if gone)."""
    m = NAME.match(name)
    assert m, f"{name}: not a mutmut 3 mutant name"
    path = _source_file(m["module"])
    if not path.exists():
        return m["module"], None
    body = ast.parse(path.read_text(encoding="utf-8")).body
    if m["cls"]:
        dotted = f"{m['module']}.{m['cls']}.{m['method']}"
        classes = [n for n in body if isinstance(n, ast.ClassDef) and n.name == m["cls"]]
        body = classes[0].body if classes else []
        wanted = m["method"]
    else:
        dotted, wanted = f"{m['module']}.{m['function']}", m["function"]
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == wanted:
            return dotted, node
    return dotted, None


def fingerprint(node: ast.AST) -> str:
    """A hash of a function's code as Python reads it (formatting and comments ignored).

    The same on Python 3.11 to 3.13 for the functions recorded, but ``ast.unparse``
    quotes a string nested in an f-string differently since 3.12: keep such strings out
    of an f-string in a function with survivors (CI checks the record on each version).
    """
    return hashlib.sha256(ast.unparse(node).encode()).hexdigest()[:16]


def _table_rows() -> dict[str, list[str]]:
    """The score table of the "Mutation testing" section of docs/quality.md, by row name."""
    section = QUALITY.split("## Mutation testing", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == len(COLUMNS) + 2 and cells[1].isdigit():
            rows[cells[0].strip("`*")] = cells[1:]
    return rows


def _expected_row(c: dict[str, int]) -> list[str]:
    tested = c["total"] - c["not_checked"]
    score = f"{100 * (c['killed'] + c['timeout']) / tested:.1f}%" if tested else "-"
    return [str(c[k]) for k in COLUMNS] + [score]


SURVIVORS: dict[str, dict[str, Any]] = RECORD["survivors"]


@pytest.mark.parametrize("name", sorted(SURVIVORS))
def test_each_survivor_still_names_an_unchanged_function(name: str) -> None:
    """A listed survivor's function exists, is the one named, and has not changed since the run."""
    entry = SURVIVORS[name]
    dotted, node = _function(name)
    assert node is not None, (
        f"{name}: {dotted} no longer exists: re-run scripts/mutation.sh and update "
        "docs/mutation-survivors.json and docs/quality.md"
    )
    assert entry["function"] == dotted
    assert entry["source"] == fingerprint(node), (
        f"{dotted} changed since the mutation run (fingerprint now {fingerprint(node)}): "
        f"re-run its module's mutants (scripts/mutation.sh '{NAME.match(name)['module']}.*' "  # type: ignore[index]
        "in a fresh mutants/), then scripts/mutation_report.py --record"
    )
    assert entry["reason"].strip(), f"{name}: no reason given"
    assert not entry["reason"].startswith("TODO"), f"{name}: no reason given"


def test_counts_add_up_and_match_the_survivors() -> None:
    """Per module the columns add up to the total, survivors are all listed, and groups are sums."""
    modules: dict[str, dict[str, int]] = RECORD["counts"]["modules"]
    patterns = CONFIG["only_mutate"]
    for module, c in modules.items():
        path = f"src/atlier_policy/{module}"
        assert (ROOT / path).exists(), path
        assert any(fnmatch.fnmatch(path, p) for p in patterns), f"{path} is not mutated"
        assert sum(c[k] for k in COLUMNS[:-1]) == c["total"], module
        listed = [n for n in SURVIVORS if _source_file(NAME.match(n)["module"]) == ROOT / path]  # type: ignore[index]
        assert c["survived"] == len(listed), module
    groups = RECORD["counts"]["groups"]
    assert groups["all"] == {k: sum(c[k] for c in modules.values()) for k in COLUMNS}
    chosen = [c for m, c in modules.items() if m.startswith("clauses/") or m == "policy.py"]
    assert groups["clauses/ + policy.py"] == {k: sum(c[k] for c in chosen) for k in COLUMNS}


def test_quality_md_shows_the_recorded_counts_and_survivors() -> None:
    """docs/quality.md's score table equals the JSON's counts and names every survivor."""
    rows = _table_rows()
    expected = {
        **{m: _expected_row(c) for m, c in RECORD["counts"]["modules"].items()},
        **{g: _expected_row(c) for g, c in RECORD["counts"]["groups"].items()},
    }
    assert rows == expected
    missing = [name for name in SURVIVORS if name not in QUALITY]
    assert not missing, f"docs/quality.md does not list {missing}"
    for key in ("tool", "date", "command"):
        assert str(RECORD[key]) in QUALITY, key
