"""The README's pasteable examples print what the README says they print."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
PAIRS = re.findall(
    r'```sh\n\.venv/bin/python -c "\n(.*?)\n"\n```\n\n```text\n(.*?)\n```', README, re.S
)


def test_readme_has_both_examples() -> None:
    """The README shows a refused return and an approved refund."""
    assert len(PAIRS) == 2


@pytest.mark.parametrize(("code", "expected"), PAIRS, ids=["refused return", "approved refund"])
def test_readme_example_output(code: str, expected: str) -> None:
    """Each example's output contains the README's lines, in order ("..." skips lines)."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    lines = out.splitlines()
    pos = 0
    for want in expected.splitlines():
        if want.strip() == "...":
            continue
        pos = lines.index(want, pos) + 1


def test_quick_start_has_two_commands() -> None:
    """The quick start holds exactly two commands: the main job and the test suite."""
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, re.S)
    assert len(commands) == 2
    assert "atlier-policy" in commands[0]
    assert "pytest" in commands[1]
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci  # CI runs the README's test command verbatim
