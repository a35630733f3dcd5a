"""The clause map (docs/policy-map.md) against the policy text and the code.

Every line of the text is in the map once, in order, encoded or marked "not
encoded"; every clause and provision id of the code is in the map, and the map
names no id the code lacks; every quoted sentence is in the text.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path
from typing import get_args

import pytest

import atlier_policy.clauses
from atlier_policy import PolicyTerms, default_policy
from atlier_policy.policy import RuleSet
from atlier_policy.rules import Clause, Provision
from atlier_policy.text import POLICY_TEXT, sentences

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "docs" / "policy-map.md"
INTERPRETATION = ROOT / "docs" / "interpretation.md"
SHARED_TEXT = ROOT.parent / "shared" / "policy" / "return-and-refund-policy.txt"

MAP_HEADER = ["#", "Policy text", "Encoded by", "Notes"]
INDEX_HEADER = ["Id", "Kind", "Rule set(s)", "Stage(s)", "Module"]
ID = re.compile(r"`((?:h|s\d)\.[a-z_]+)`")
NOT_ENCODED = "not encoded"


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table(text: str, header: list[str]) -> list[list[str]]:
    """The body rows of the markdown table whose header row is ``header``."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|") and _cells(line) == header:
            rows = []
            for body in lines[i + 2 :]:
                if not body.startswith("|"):
                    break
                cells = _cells(body)
                assert len(cells) == len(header), f"malformed row: {body}"
                rows.append(cells)
            return rows
    raise AssertionError(f"no table with header {header} in {MAP.name}")


def _map_rows() -> list[list[str]]:
    return _table(MAP.read_text(encoding="utf-8"), MAP_HEADER)


def _index_rows() -> list[list[str]]:
    return _table(MAP.read_text(encoding="utf-8"), INDEX_HEADER)


def _provisions() -> dict[str, Provision]:
    """Every Provision object defined in the atlier_policy.clauses modules, by id."""
    modules = [atlier_policy.clauses] + [
        importlib.import_module(f"atlier_policy.clauses.{info.name}")
        for info in pkgutil.iter_modules(atlier_policy.clauses.__path__)
    ]
    found: dict[str, Provision] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, Provision):
                found.setdefault(value.id, value)
    return found


def _clauses() -> dict[str, Clause]:
    return {c.id: c for c in default_policy().clauses()}


def _code_ids() -> set[str]:
    return set(_clauses()) | set(_provisions())


def test_map_has_every_line_once_in_order() -> None:
    """The map's rows are exactly the text's non-empty lines, numbered 1..n, in order."""
    rows = _map_rows()
    assert [row[1] for row in rows] == list(sentences())
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(sentences()) + 1)]


def test_every_row_is_encoded_or_says_why_not() -> None:
    """Each row names at least one id, or says "not encoded" with a note saying why."""
    for number, text, encoded_by, notes in _map_rows():
        ids = ID.findall(encoded_by)
        if ids:
            assert NOT_ENCODED not in encoded_by, f"row {number}: both ids and {NOT_ENCODED!r}"
        else:
            assert encoded_by == NOT_ENCODED, f"row {number} ({text!r}): no id"
            assert notes, f"row {number} ({text!r}): not encoded, but no reason given"


def test_every_code_id_is_in_the_map() -> None:
    """Every clause of default_policy() and every Provision of the clauses modules is mapped."""
    mapped = {i for row in _map_rows() for i in ID.findall(row[2])}
    assert _code_ids() - mapped == set()


def test_no_stale_ids_in_the_docs() -> None:
    """Every id written anywhere in the map or the interpretation log exists in the code."""
    for page in (MAP, INTERPRETATION):
        written = set(ID.findall(page.read_text(encoding="utf-8")))
        assert written - _code_ids() == set(), page.name


def test_docs_name_only_existing_terms() -> None:
    """Every `PolicyTerms.<field>` named in the map or the log is a field of PolicyTerms."""
    known = set(PolicyTerms().to_mapping())
    for page in (MAP, INTERPRETATION):
        named = set(re.findall(r"PolicyTerms\.(\w+)", page.read_text(encoding="utf-8")))
        assert named - known == set(), page.name


def test_ids_are_mapped_to_the_sentence_they_quote() -> None:
    """Each clause and provision is listed on the map row whose line contains its sentence."""
    rows = _map_rows()
    for item in [*_clauses().values(), *_provisions().values()]:
        rows_of_sentence = [row for row in rows if item.sentence in row[1]]
        assert rows_of_sentence, f"{item.id}: its sentence is on no row"
        assert any(item.id in ID.findall(row[2]) for row in rows_of_sentence), item.id


def test_every_quoted_sentence_is_in_the_text() -> None:
    """Every Clause and Provision quotes its sentence verbatim from POLICY_TEXT."""
    for item in [*_clauses().values(), *_provisions().values()]:
        assert item.sentence in POLICY_TEXT, f"{item.id}: {item.sentence!r}"


def test_id_index_matches_the_rule_sets() -> None:
    """The "Ids by stage" table lists each id once, with its kind and its actual rule sets."""
    policy = default_policy()
    rule_sets: dict[str, set[str]] = {}
    for name in get_args(RuleSet):
        for clause in getattr(policy, name).clauses():
            rule_sets.setdefault(clause.id, set()).add(name)
    index = _index_rows()
    listed = [ID.fullmatch(row[0]) for row in index]
    assert all(listed), "each index row starts with one id"
    ids = [m.group(1) for m in listed if m]
    assert sorted(ids) == sorted(_code_ids())
    for (_, kind, sets, _stages, _module), id_ in zip(index, ids, strict=True):
        if id_ in rule_sets:
            assert kind == "clause", id_
            assert set(re.findall(r"`(\w+)`", sets)) == rule_sets[id_], id_
        else:
            assert (kind, sets) == ("provision", "none"), id_


def test_interpretation_log_names_existing_tests() -> None:
    """Every test the interpretation log cites exists, and every interpretation test is cited."""
    log = INTERPRETATION.read_text(encoding="utf-8")
    cited = set(re.findall(r"tests/test_interpretation\.py::(\w+)", log))
    tree = ast.parse((ROOT / "tests" / "test_interpretation.py").read_text(encoding="utf-8"))
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }
    assert cited == defined


def test_policy_text_equals_the_shared_file() -> None:
    """POLICY_TEXT is the shared policy file verbatim (skipped where shared/ is absent)."""
    if not SHARED_TEXT.exists():
        pytest.skip(f"{SHARED_TEXT} not found: shared/ is not beside this clone")
    assert SHARED_TEXT.read_text(encoding="utf-8") == POLICY_TEXT
