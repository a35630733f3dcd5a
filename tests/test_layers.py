"""The import graph of src/: layers, downward only; no cycles; values free of adapters.

Every ``from atlier_policy.X import`` and ``import atlier_policy.X`` counts, inside
functions and ``TYPE_CHECKING`` blocks too. The layers are those of
docs/architecture.md; a module may import from its own layer or the ones below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "atlier_policy"

LAYERS: dict[str, int] = {
    # values: facts, money, business days, the policy's numbers, the text
    "_values": 0,  # frozen value classes without generated code
    "errors": 0,
    "strings": 0,
    "limits": 0,
    "money": 0,
    "cases": 0,
    "calendar": 0,
    "terms": 0,
    "deadlines": 0,
    "text": 0,
    # rules: the algebra and its one evaluation; decisions (values of the outcome);
    # advice (values of a clause's fix)
    "rules": 1,
    "compiled": 1,  # the rules' evaluation compiled into functions
    "decision": 1,
    "advice": 1,
    # the policy: the text as code, the stage table, the evaluation of a case
    "clauses": 2,
    "clauses._kit": 2,
    "clauses.eligibility": 2,
    "clauses.non_returnable": 2,
    "clauses.defects": 2,
    "clauses.shipping": 2,
    "clauses.exchanges": 2,
    "stages": 2,
    "policy": 2,
    # tools: mechanism over the clauses' declarations
    "versions": 3,
    "whatif": 3,
    "qualify": 3,
    "timelines": 3,
    "messages": 3,
    # adapters: formats (JSON, TOML terms, records, HTML), files and entry points
    "termsfile": 4,
    "codec": 4,
    "jsonio": 4,
    "schema": 4,
    "records": 4,
    "frames": 4,
    "display": 4,
    "api": 4,
    "cli": 4,
    "__main__": 4,
    "__init__": 5,
}
ADAPTERS = {name for name, layer in LAYERS.items() if layer == 4}
VALUES = {"cases", "rules", "decision", "advice", "calendar", "terms", "money", "errors"}


def _module(path: Path) -> str:
    name = ".".join(path.relative_to(SRC).with_suffix("").parts)
    return "__init__" if name == "__init__" else name.removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("atlier_policy."):
                found.add(node.module.removeprefix("atlier_policy."))
            elif node.module == "atlier_policy":
                found.update(alias.name for alias in node.names if alias.name in LAYERS)
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix("atlier_policy.")
                for a in node.names
                if a.name.startswith("atlier_policy.")
            )
    return found & set(LAYERS)


GRAPH = {_module(p): _imports(p) for p in SRC.rglob("*.py")}

# Modules found at run time by name (importlib.import_module), which the graph above
# does not see: each is an upward reach, allowed only where listed here, with why.
RUNTIME_HOOKS = {
    # Comparisons, timelines and qualifications (tools) reach it through decision._display.
    ("decision", "display"): "Jupyter asks a decision, a comparison, a timeline or a "
    "qualification for HTML; the display adapter writes it",
    ("decision", "codec"): "deprecated Decision.to_dict & co. (removed in the next release)",
    ("decision", "records"): "deprecated Decision.to_record & co. (removed in the next release)",
    ("versions", "codec"): "deprecated: a tool given a JSON document decodes it",
}


def _runtime_imports(path: Path) -> set[str]:
    """The modules named by literal ``importlib.import_module("atlier_policy.X")`` calls."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
        ):
            for arg in node.args:
                # A module named at run time is named literally (an f-string could be any).
                assert isinstance(arg, ast.Constant), f"{path.name}: {ast.unparse(node)}"
                if str(arg.value).startswith("atlier_policy."):
                    found.add(str(arg.value).removeprefix("atlier_policy."))
    return found & set(LAYERS)


# The top level may import anything (it resolves its deprecated names by a table).
RUNTIME = {_module(p): _runtime_imports(p) for p in SRC.rglob("*.py") if _module(p) != "__init__"}


def test_every_module_has_a_layer() -> None:
    """The table above names every module of the package (a new one must be placed)."""
    assert set(GRAPH) == set(LAYERS)


def test_imports_go_downward_only() -> None:
    """A module imports only from its own layer or the layers under it."""
    upward = [
        (module, dep)
        for module, deps in GRAPH.items()
        for dep in deps
        if LAYERS[dep] > LAYERS[module]
    ]
    assert upward == []


def test_the_import_graph_has_no_cycle() -> None:
    """No module reaches itself through its imports."""

    def reaches(start: str) -> bool:
        seen: set[str] = set()
        todo = list(GRAPH[start])
        while todo:
            module = todo.pop()
            if module == start:
                return True
            if module not in seen:
                seen.add(module)
                todo.extend(GRAPH[module])
        return False

    assert [m for m in GRAPH if reaches(m)] == []


def test_values_import_no_adapter() -> None:
    """Cases, rules, decisions, calendar and terms import no JSON, HTML or CLI code."""
    for module in VALUES:
        assert GRAPH[module] & ADAPTERS == set(), module
        text = (SRC / f"{module}.py").read_text(encoding="utf-8")
        for name in ("json", "html", "argparse"):
            assert f"import {name}" not in text, module
            assert f"from {name} " not in text, module


def test_modules_found_at_run_time_are_the_listed_hooks_only() -> None:
    """An upward reach by name (importlib) is one of the listed hooks, no other: the
    deprecated paths and the notebook display."""
    upward = {
        (module, dep)
        for module, deps in RUNTIME.items()
        for dep in deps
        if LAYERS[dep] > LAYERS[module]
    }
    assert upward <= set(RUNTIME_HOOKS)
    assert {m for m, _ in upward} <= {"decision", "versions"}


def test_the_tools_import_no_adapter() -> None:
    """Tools hold mechanism over the policy: they import no format either."""
    for module, layer in LAYERS.items():
        if layer == 3:
            assert GRAPH[module] & ADAPTERS == set(), module
