"""Start-up (issue 14): what `import atlier_policy` and a first decision load, in a fresh
process; and the shortcuts that keep holidays and the tz database listing off that path
answer as the full lookups do."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import subprocess
import sys
import zoneinfo
from array import array
from pathlib import Path
from typing import Any

import pytest

import atlier_policy
from atlier_policy import calendar as calendar_module
from atlier_policy import terms as terms_module
from atlier_policy.advice import FixContext

EXAMPLES = Path(__file__).parent.parent / "examples"


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_import_loads_no_engine_and_no_heavy_module() -> None:
    """`import atlier_policy` loads none of its own modules, nor holidays, zoneinfo,
    inspect (which dataclasses imports), dataclasses or typing."""
    loaded = _loaded_after("import atlier_policy")
    ours = {m for m in loaded if m.startswith("atlier_policy.")}
    assert ours == set()
    for heavy in ("holidays", "zoneinfo", "inspect", "dataclasses", "typing", "decimal"):
        assert heavy not in loaded, heavy


def test_a_first_decision_loads_neither_holidays_nor_the_tools() -> None:
    """A first decision under the default policy on an example that counts no business day
    imports no holidays module (the default country is known without the registry)."""
    doc = EXAMPLES / "return_request_eligible.json"
    loaded = _loaded_after(
        "import json, atlier_policy\n"
        f"d = atlier_policy.evaluate(json.loads(open({str(doc)!r}, encoding='utf-8').read()))\n"
        "for x in getattr(d, 'items', (d,)):\n"
        "    x.reasons, x.trace, x.obligations\n"
    )
    assert not any(m == "holidays" or m.startswith("holidays.") for m in loaded)
    for tool in ("cli", "schema", "whatif", "termsfile", "messages", "qualify", "timelines"):
        assert f"atlier_policy.{tool}" not in loaded


def test_public_names_load_on_first_read_and_stay() -> None:
    """Each public name is its module's object; once read it sits in the namespace."""
    import importlib

    for module, names in atlier_policy._LAZY.items():
        for name in names:
            value = getattr(atlier_policy, name)
            assert value is getattr(importlib.import_module(module), name)
            assert atlier_policy.__dict__[name] is value
    assert set(atlier_policy._LAZY_FROM) == set(atlier_policy.__all__) - {"__version__"}
    assert not set(atlier_policy._LAZY_FROM) & set(atlier_policy._MOVED_FROM)


def test_the_always_known_countries_are_in_the_installed_registry() -> None:
    """The codes answered without importing holidays are codes it supports."""
    assert calendar_module._LOADED_COUNTRIES() >= calendar_module._ALWAYS_KNOWN


@pytest.mark.parametrize("code", ["US", "DE", "CN", "XX", "us", "", "USA"])
def test_known_countries_answer_as_the_registry(code: str) -> None:
    known = calendar_module._KNOWN_COUNTRIES()
    assert (code in known) == (code in calendar_module._LOADED_COUNTRIES())


def test_a_zone_found_by_its_file_is_listed_by_the_database() -> None:
    """`_listed` says yes only to names the full listing holds (no false positive), and to
    every name the system database holds (so the listing is rarely needed)."""
    names, _ = terms_module._zones()
    candidates = set(names) | {"posixrules", "right/UTC", "posix/UTC", "America", "Etc"}
    candidates |= {"localtime", "Factory", "Mars/Olympus", "Etc/GMT+14"}
    for name in sorted(candidates):
        if terms_module._ZONE_NAME.fullmatch(name):
            assert terms_module._listed(name) <= (name in names), name
    if any(Path(root).is_dir() for root in zoneinfo.TZPATH):
        assert all(terms_module._listed(n) for n in names if not n.startswith("tzdata"))


def test_a_zone_through_a_linked_folder_or_not_a_zone_file_is_not_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the listing's walk would not accept, `_listed` does not either."""
    root = tmp_path / "tz"
    (root / "Real").mkdir(parents=True)
    (root / "Real" / "Zone").write_bytes(b"TZif2" + b"\0" * 40)
    (root / "Real" / "Text").write_bytes(b"# not a zone\n")
    (root / "Linked").symlink_to(root / "Real")
    (root / "right").mkdir()
    (root / "right" / "Zone").write_bytes(b"TZif2" + b"\0" * 40)
    monkeypatch.setattr("zoneinfo._tzpath.TZPATH", (str(tmp_path / "missing"), str(root)))
    assert terms_module._listed("Real/Zone")
    assert not terms_module._listed("Real/Text")
    assert not terms_module._listed("Linked/Zone")
    assert not terms_module._listed("right/Zone")
    assert not terms_module._listed("Real")
    assert not terms_module._listed("Real/Zone/Deeper")
    assert not terms_module._listed("Nowhere/Zone")


def _reference(cls: type, names: tuple[str, ...]) -> type:
    """The frozen, slotted dataclass ``cls`` was before it was written out."""
    return dataclasses.make_dataclass(
        cls.__qualname__, [(n, object) for n in names], frozen=True, slots=True
    )


def _snapshot_values(key: str) -> tuple[object, ...]:
    first = 2020 if key == "A" else 2030
    return (first, first + 1, 10, 20, array("l", [11, 12]), array("i", [0, 0, 1, 2]))


def _fix_context_values(sku: str) -> tuple[object, ...]:
    from atlier_policy.advice import View
    from atlier_policy.policy import default_policy
    from atlier_policy.rules import Finding, Reason

    reason = Reason(
        code="x", finding=Finding.FAILED, clause_id="c", section="1", sentence="s", message="m"
    )
    return (sku, reason, View(item="item"), default_policy().terms, sku + "-given")


WRITTEN_OUT = [
    (calendar_module._Snapshot, _snapshot_values, False),
    (FixContext, _fix_context_values, True),
]


@pytest.mark.parametrize(
    ("cls", "values", "hashable"), WRITTEN_OUT, ids=["_Snapshot", "FixContext"]
)
def test_a_written_out_class_behaves_as_its_dataclass(
    cls: type, values: Any, hashable: bool
) -> None:
    """Equality, hash, repr, immutability, pickling, copying, slots and match_args: as the
    frozen slotted dataclass it replaces (no dataclass is created at import for it)."""
    names = cls.__match_args__  # type: ignore[attr-defined]
    ref = _reference(cls, names)
    a, a2, b = cls(*values("A")), cls(*values("A")), cls(*values("B"))
    ra, ra2, rb = ref(*values("A")), ref(*values("A")), ref(*values("B"))
    assert not dataclasses.is_dataclass(cls)
    assert (a == a2, a == b, a != b, a == ra) == (ra == ra2, ra == rb, ra != rb, False)
    assert a.__eq__(object()) is NotImplemented
    assert repr(a) == repr(ra)
    assert tuple(getattr(a, n) for n in names) == values("A")
    if hashable:
        assert hash(a) == hash(a2) == hash(ra)
        assert {a, a2, b} == {a, b}
    else:
        with pytest.raises(TypeError):
            hash(a)
        with pytest.raises(TypeError):
            hash(ra)
    for name in names:
        with pytest.raises(
            dataclasses.FrozenInstanceError, match=f"cannot assign to field '{name}'"
        ):
            setattr(a, name, None)
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field '{name}'"):
            delattr(a, name)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.other = 1  # type: ignore[attr-defined]
    assert not hasattr(a, "__dict__")
    assert set(cls.__slots__) == set(names)  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(a)) == a
    assert copy.copy(a) == a
    assert copy.deepcopy(a) == a
    match a:
        case cls(first):
            assert first == values("A")[0]


def test_a_first_refund_window_decision_loads_its_country_alone() -> None:
    """A first decision that counts business days loads the one module of its country
    (under a private name), not the 250 of ``holidays.countries``, and decides as a
    process that has them all."""
    doc = EXAMPLES / "inspection_refund_approved.json"
    code = (
        "import json, atlier_policy\n"
        f"d = atlier_policy.evaluate(json.loads(open({str(doc)!r}, encoding='utf-8').read()))\n"
        "from atlier_policy.codec import to_json\nprint(to_json(d))\n"
    )
    loaded = _loaded_after(code)
    assert "atlier_policy._holidays.united_states" in loaded
    assert not any(m.startswith("holidays.countries") for m in loaded)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    import holidays.countries  # noqa: F401 (the full package, as holidays' own lookup loads it)

    from atlier_policy.codec import to_json

    full = to_json(atlier_policy.evaluate(json.loads(doc.read_text("utf-8"))))
    assert out.strip() == full.strip()
    # Inspected Friday 2025-11-21: 7 and 10 business days on, Thanksgiving not counted.
    assert '"refund_earliest":"2025-12-03","refund_latest":"2025-12-08"' in full


_FIRST_USE_IN_THREADS = """
import sys, threading, time
from datetime import date, timedelta
from atlier_policy import BusinessCalendar

codes, user_code = sys.argv[1].split(","), sys.argv[2]
days = [date(2025, 12, 1) + timedelta(days=k) for k in range(40)]
start = threading.Barrier(len(codes) + bool(user_code))
got, errors = {}, []

def calendar(code):
    try:
        start.wait()
        cal = BusinessCalendar(code)
        got[code] = [cal.is_business_day(d) for d in days]
    except BaseException as exc:
        errors.append(f"{code}: {type(exc).__name__}: {exc}")

def user():
    import holidays
    try:
        start.wait()
        time.sleep(0.005)  # while the calendars load their countries
        holidays.country_holidays(user_code, years=2025)
    except BaseException as exc:
        errors.append(f"user: {type(exc).__name__}: {exc}")

threads = [threading.Thread(target=calendar, args=(c,)) for c in codes]
threads += [threading.Thread(target=user)] if user_code else []
for t in threads: t.start()
for t in threads: t.join()
assert not errors, errors
import holidays
for code in codes:
    own = holidays.country_holidays(code, years=2025)
    assert got[code] == [own.is_working_day(d) for d in days], code
print("ok")
"""


@pytest.mark.parametrize(
    ("codes", "user"), [("GU,AS", ""), ("AS", "GU"), ("GU,AS,PR,DE,FR,RE,IM,AX,US", "GU")]
)
def test_calendars_first_built_in_threads_with_holidays_used_beside(codes: str, user: str) -> None:
    """Calendars (of territories whose modules import their country's among them) built
    for the first time in threads at once, while the caller's own code may ask holidays:
    no thread fails and each gets holidays' working days. The country loader takes
    holidays' own import lock; without it, the second case failed in every run and the
    first in one run of eight (an ImportError of a partly initialized module, a
    KeyError, a deadlock error)."""
    for _ in range(3):  # a fresh process each time: the race is on first use only
        run = subprocess.run(
            [sys.executable, "-c", _FIRST_USE_IN_THREADS, codes, user],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert run.stdout.strip() == "ok"
