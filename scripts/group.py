"""Print the requirements of one of pyproject.toml's dependency groups, one a line.

For pip older than 25.1 (no ``pip install --group``)::

    python scripts/group.py lint | .venv/bin/pip install -r /dev/stdin
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def requirements(name: str) -> list[str]:
    """The group's requirement strings (``{include-group = ...}`` entries expanded)."""
    groups = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["dependency-groups"]
    out: list[str] = []
    for entry in groups[name]:
        out.extend(requirements(entry["include-group"]) if isinstance(entry, dict) else [entry])
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/group.py GROUP")
    print("\n".join(requirements(sys.argv[1])))
