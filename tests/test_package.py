"""The package's public face: version, curated names, what `import atlier_policy` loads."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

import atlier_policy


def test_version_matches_the_installed_metadata() -> None:
    """`__version__` is a literal (no metadata lookup at import) equal to pyproject's version."""
    assert atlier_policy.__version__ == importlib.metadata.version("atlier-policy")


def test_every_public_name_resolves() -> None:
    """Each name in `__all__` is importable without a warning; `dir()` lists them. No
    public name is also a submodule's name (importing it would replace the name)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in atlier_policy.__all__:
            value = getattr(atlier_policy, name)
            assert value is not None, name
            assert not isinstance(value, types.ModuleType), name
    assert dir(atlier_policy) == sorted(atlier_policy.__all__)


def test_the_top_level_is_curated() -> None:
    """About 25 names: the case types, evaluate and decide_batch, the policy, the
    calendar, the decisions, the errors. Each is listed once."""
    names = atlier_policy.__all__
    assert len(names) == len(set(names)) <= 26
    assert {"evaluate", "default_policy", "Policy", "BusinessCalendar", "Decision"} <= set(names)
    assert {"ReturnRequest", "Inspection", "ExchangeRequest", "InputError"} <= set(names)


@pytest.mark.parametrize("name", sorted(atlier_policy._MOVED_FROM))
def test_a_moved_name_resolves_with_a_warning_naming_its_module(name: str) -> None:
    """The names the top level used to hold still resolve, for one release, with a
    DeprecationWarning naming the module they live in now."""
    module = atlier_policy._MOVED_FROM[name]
    with pytest.warns(DeprecationWarning, match=f"import it from {module}"):
        value = getattr(atlier_policy, name)
    assert value is getattr(importlib.import_module(module), name)


def test_a_deprecated_path_warns_once_at_the_callers_line() -> None:
    """Every deprecated path warns once, attributed to the caller's own file (which Python's
    default filters show for a script): not to a line inside the package."""
    import warnings

    from atlier_policy import default_policy
    from atlier_policy.codec import case_to_dict, decision_to_dict
    from atlier_policy.decision import Decision
    from atlier_policy.messages import customer_message
    from atlier_policy.whatif import compare
    from builders import return_request

    d = default_policy().evaluate(return_request()).items[0]  # type: ignore[union-attr]
    doc = case_to_dict(return_request())
    paths = {
        "from import": lambda: exec("from atlier_policy import timeline", {}),
        "to_dict": d.to_dict,
        "to_json": d.to_json,
        "to_record": d.to_record,
        "from_dict": lambda: Decision.from_dict(decision_to_dict(d)),
        "a tool given a document": lambda: customer_message(d, case=doc),
        "compare given a document": lambda: compare([doc], default_policy(), default_policy()),
    }
    for what, call in paths.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        deprecations = [w for w in caught if w.category is DeprecationWarning]
        assert len(deprecations) == 1, what
        assert deprecations[0].filename in (__file__, "<string>"), (what, deprecations[0])


def test_unknown_attribute_is_an_attribute_error() -> None:
    """A name the package does not have raises AttributeError, as for any module."""
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = atlier_policy.nothing_here


def test_import_loads_the_core_only() -> None:
    """`import atlier_policy` loads neither holidays nor the JSON, CLI or customer-facing tools."""
    code = (
        "import json, sys, atlier_policy\n"
        "print(json.dumps([m for m in sys.modules if m.startswith(('atlier_policy.', 'holidays'))]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert not any(m.startswith("holidays") for m in loaded)
    for lazy in ("codec", "cli", "schema", "whatif", "termsfile", "messages", "qualify"):
        assert f"atlier_policy.{lazy}" not in loaded


ROOT = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_version_option(capsys: pytest.CaptureFixture[str]) -> None:
    """`atlier-policy --version` prints the package's version and exits 0."""
    from atlier_policy.cli import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"atlier-policy {atlier_policy.__version__}\n"


def test_license_file_matches_the_metadata() -> None:
    """An MIT LICENSE file ships with the package (license-files), as `license` says."""
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


def test_developer_tools_are_groups_not_extras() -> None:
    """Users are offered the `test`, `fast`, `i18n` and `parquet` extras only; lint, bench,
    mutation and engines are dependency groups, and scripts/group.py lists a group for pip
    versions without `--group`. `fast` holds orjson alone, `i18n` Babel alone and
    `parquet` pyarrow alone, which the `test` extra installs too (their tests run in CI);
    the runtime dependencies stay holidays and python-dateutil."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert set(extras) == {"test", "fast", "i18n", "parquet"}
    assert extras["fast"] == ["orjson>=3.9"]
    assert extras["i18n"] == ["Babel>=2.12"]
    assert extras["parquet"] == ["pyarrow>=15"]
    assert {"orjson>=3.9", "Babel>=2.12", "pyarrow>=15"} <= set(extras["test"])
    assert [re.split("[<>=]", d)[0] for d in PYPROJECT["project"]["dependencies"]] == [
        "holidays",
        "python-dateutil",
    ]
    groups = PYPROJECT["dependency-groups"]
    assert set(groups) == {"lint", "bench", "mutation", "engines"}  # engines: tests_engines/
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "group.py"), "lint"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.splitlines() == groups["lint"]


def test_classifiers_name_the_pythons_ci_runs() -> None:
    """The classifiers claim exactly the Python versions .ci/run tests on."""
    claimed = {
        c.rsplit(" ", 1)[1]
        for c in PYPROJECT["project"]["classifiers"]
        if c.startswith("Programming Language :: Python :: 3.")
    }
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv .venv" in ci  # 3.11, checked by the script itself
    assert "sys.version_info[:2] != (3, 11)" in ci
    tested = {"3.11"} | set(re.findall(r"for want in ([\d. ]+); do", ci)[0].split())
    assert claimed == tested == {"3.11", "3.12", "3.13"}


def test_the_deprecated_json_module_warns_and_is_the_codec() -> None:
    """atlier_policy.jsonio, for one release: a warning naming the codec, the same functions."""
    import sys

    from atlier_policy import codec

    sys.modules.pop("atlier_policy.jsonio", None)
    with pytest.warns(DeprecationWarning, match="use atlier_policy.codec"):
        jsonio = importlib.import_module("atlier_policy.jsonio")
    assert all(getattr(jsonio, name) is getattr(codec, name) for name in jsonio.__all__)
