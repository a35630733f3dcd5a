"""Print the mutation-testing results in mutants/ as the tables of docs/quality.md.

Run by scripts/mutation.sh after ``mutmut run``; reads mutmut's per-file ``.meta``
results, so it works on any run, full or partial.

``--record`` rewrites docs/mutation-survivors.json from the results: the counts, and
one entry per surviving mutant with its function and that function's fingerprint
(tests/test_mutation_record.py), keeping the reasons already written there and
marking new survivors "TODO" (the record test fails until each has its reason). A
partial run (``scripts/mutation.sh GLOB`` in a fresh ``mutants/``) updates the modules
it tested: a module none of whose mutants was checked keeps its counts and survivors
from the record. A module only partly checked is refused (the record keeps counts per
module, not each mutant's status): re-test the whole module (``'atlier_policy.rules.*'``).
"""

from __future__ import annotations

import ast
import datetime
import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

RECORD = Path("docs/mutation-survivors.json")
NAME = re.compile(
    r"^(?P<module>atlier_policy(?:\.[a-z_]+)*)\."
    r"(?:x_(?P<function>\w+?)|xǁ(?P<cls>\w+)ǁ(?P<method>\w+?))__mutmut_\d+$"
)

# mutmut 3's exit codes (mutmut/stats.py). Exit 2 is pytest's "interrupted": with a
# fresh import per mutant it means the mutant broke the import of a test module
# (collection error), which mutmut labels "check was interrupted by user"; it is a kill.
STATUS = {
    1: "killed",
    2: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    None: "not checked",
}
GROUPS: dict[str, Callable[[str], bool]] = {
    "clauses/ + policy.py": lambda m: m.startswith("clauses/") or m == "policy.py",
    "all": lambda m: True,
}


def results(root: Path) -> dict[str, dict[str, str]]:
    """{module file: {mutant name: status}} for every mutated file under ``root``."""
    out: dict[str, dict[str, str]] = {}
    for meta in sorted(root.glob("src/**/*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if codes:
            module = str(meta.relative_to(root / "src" / "atlier_policy"))[: -len(".meta")]
            out[module] = {k: STATUS.get(v, "suspicious") for k, v in codes.items()}
    return out


def counts(statuses: Counter[str]) -> dict[str, int]:
    main = ("killed", "survived", "timeout", "not checked")
    out = {k.replace(" ", "_"): statuses[k] for k in main}
    out["other"] = sum(v for k, v in statuses.items() if k not in main)
    out["total"] = sum(statuses.values())
    return out


def score(c: dict[str, int]) -> str:
    tested = c["total"] - c["not_checked"]
    return f"{100 * (c['killed'] + c['timeout']) / tested:.1f}%" if tested else "-"


def row(name: str, c: dict[str, int]) -> str:
    keys = ("killed", "survived", "timeout", "not_checked", "other", "total")
    return f"| {name} | " + " | ".join(str(c[k]) for k in keys) + f" | {score(c)} |"


def main(argv: list[str]) -> int:
    found = results(Path("mutants"))
    if not found:
        print("no mutation results in mutants/: run scripts/mutation.sh first")
        return 1
    per_module = {m: counts(Counter(s.values())) for m, s in found.items()}
    kept: dict[str, dict[str, object]] = {}
    if "--record" in argv and RECORD.exists():
        old = json.loads(RECORD.read_text(encoding="utf-8"))
        partly = [m for m, c in per_module.items() if 0 < c["not_checked"] < c["total"]]
        if partly:
            print(
                f"partly tested: {', '.join(partly)}; re-test each whole module "
                "(scripts/mutation.sh 'atlier_policy.<module>.*') before --record"
            )
            return 1
        for module, c in per_module.items():
            if c["not_checked"] == c["total"] and module in old["counts"]["modules"]:
                per_module[module] = old["counts"]["modules"][module]
                kept.update(
                    (name, entry)
                    for name, entry in old["survivors"].items()
                    if _dotted(module) == NAME.match(name)["module"]  # type: ignore[index]
                )
    keys = ("killed", "survived", "timeout", "not_checked", "other", "total")
    per_group = {
        g: {k: sum([c[k] for m, c in per_module.items() if pick(m)]) for k in keys}
        for g, pick in GROUPS.items()
    }
    if "--record" in argv:
        record(found, {"modules": per_module, "groups": per_group}, kept)
        # The table of docs/quality.md follows, with the modules kept from the record.
    print("| Module | Killed | Survived | Timeout | Not checked | Other | Total | Score |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for module, c in per_module.items():
        print(row(f"`{module}`", c))
    for group, c in per_group.items():
        print(row(f"**{group}**", c))
    odd = {
        m: s
        for f in found.values()
        for m, s in f.items()
        if s not in ("killed", "timeout", "not checked")
    }
    print(f"\nsurvived or other: {len(odd)}")
    for mutant, status in sorted(odd.items()):
        print(f"  {status}: {mutant}")
    return 0


def _dotted(module: str) -> str:
    """A module file's dotted name: ``clauses/defects.py`` -> ``atlier_policy.clauses.defects``
    (a package's ``__init__.py`` is the package)."""
    parts = module.removesuffix(".py").split("/")
    return ".".join(["atlier_policy", *(parts[:-1] if parts[-1] == "__init__" else parts)])


def function_of(name: str) -> tuple[str, str]:
    """A mutant's function as ``module.[Class.]name`` and the fingerprint of its code."""
    m = NAME.match(name)
    assert m, name
    module = Path("src", *m["module"].split("."))
    # A package's own mutants (atlier_policy.clauses.x_...) are in its __init__.py.
    path = module / "__init__.py" if module.is_dir() else module.with_suffix(".py")
    body = ast.parse(path.read_text()).body
    if m["cls"]:
        dotted, wanted = f"{m['module']}.{m['cls']}.{m['method']}", m["method"]
        body = next(n for n in body if isinstance(n, ast.ClassDef) and n.name == m["cls"]).body
    else:
        dotted, wanted = f"{m['module']}.{m['function']}", m["function"]
    node = next(n for n in body if isinstance(n, ast.FunctionDef) and n.name == wanted)
    return dotted, hashlib.sha256(ast.unparse(node).encode()).hexdigest()[:16]


def record(
    found: dict[str, dict[str, str]],
    counts: dict[str, object],
    kept: dict[str, dict[str, object]],
) -> None:
    """Write the record; ``kept``: the survivors of modules this run did not test."""
    old = json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {}
    reasons = {k: v["reason"] for k, v in old.get("survivors", {}).items()}
    survivors = dict(kept)
    for statuses in found.values():
        for name, status in sorted(statuses.items()):
            if status == "survived":
                function, source = function_of(name)
                reason = reasons.get(name, "TODO: equivalent (why) or kill it with a test")
                survivors[name] = {"function": function, "source": source, "reason": reason}
    version = subprocess.run(
        [sys.executable, "-m", "mutmut", "--version"], capture_output=True, text=True
    ).stdout.split()[-1]
    out = {
        "tool": f"mutmut {version}",
        "command": "scripts/mutation.sh",
        "date": datetime.date.today().isoformat(),
        "counts": counts,
        "survivors": dict(sorted(survivors.items())),
    }
    RECORD.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {RECORD}: {len(survivors)} survivors")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
