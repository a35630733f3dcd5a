"""The package's public face: version, curated names, what `import atlier_policy` loads."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import subprocess
import sys
import types

import pytest

import atlier_policy


def test_version_matches_the_installed_metadata() -> None:
    """`__version__` is a literal (no metadata lookup at import) equal to pyproject's version."""
    assert atlier_policy.__version__ == importlib.metadata.version("atlier-policy")


def test_every_public_name_resolves() -> None:
    """Each name in `__all__` is importable, the lazily loaded ones included; `dir()` lists them.

    No public name is also a submodule's name: importing the submodule would
    otherwise replace the function by the module (as `timeline` once did).
    """
    for module in atlier_policy._LAZY:
        importlib.import_module(module)
    for name in atlier_policy.__all__:
        value = getattr(atlier_policy, name)
        assert value is not None, name
        assert not isinstance(value, types.ModuleType), name
    assert dir(atlier_policy) == sorted(atlier_policy.__all__)


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
    for lazy in ("jsonio", "cli", "schema", "whatif", "termsfile", "messages", "qualify"):
        assert f"atlier_policy.{lazy}" not in loaded
