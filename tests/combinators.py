"""A merchant's own combinators, subclasses of the built-in ones: for the tests of the
rule algebra and of merchant policies (a subclass must stay a rule of its own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from atlier_policy.rules import AllOf, Context, Evaluation, Finding, Not, Then, Unless


@dataclass(frozen=True, slots=True)
class AtLeast(AllOf):
    """An "all of" that passes as soon as ``least`` of its parts pass."""

    least: int = 1

    def evaluate(self, context: Context[Any]) -> Evaluation:
        ev = AllOf.evaluate(self, context)
        passed = sum(p.finding is Finding.PASSED for p in ev.parts) >= self.least
        return ev._replace(finding=Finding.PASSED) if passed else ev

    @property
    def label(self) -> str:
        return f"at least {self.least} of"


@dataclass(frozen=True, slots=True)
class Unlikely(Not):
    """A "not" of its own kind (only its label differs)."""

    @property
    def label(self) -> str:
        return "unlikely"


@dataclass(frozen=True, slots=True)
class Waived(Unless):
    """An "unless" with a field of its own, required (no default): a waiver's note."""

    note: str

    @property
    def label(self) -> str:
        return f"unless waived ({self.note})"


@dataclass(frozen=True, slots=True)
class Escalated(Then):
    """A "then" with a field of its own, required: the desk it escalates to."""

    desk: str

    @property
    def label(self) -> str:
        return f"then, at {self.desk}"
