"""A merchant's own combinators, subclasses of the built-in ones: for the tests of the
rule algebra and of merchant policies (a subclass must stay a rule of its own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from atlier_policy.rules import AllOf, Context, Evaluation, Finding, Not


@dataclass(frozen=True, slots=True)
class AtLeastOne(AllOf):
    """An "all of" that passes as soon as one of its parts passes."""

    def evaluate(self, context: Context[Any]) -> Evaluation:
        ev = AllOf.evaluate(self, context)
        passed = any(p.finding is Finding.PASSED for p in ev.parts)
        return ev._replace(finding=Finding.PASSED) if passed else ev

    @property
    def label(self) -> str:
        return "at least one of"


@dataclass(frozen=True, slots=True)
class Unlikely(Not):
    """A "not" of its own kind (only its label differs)."""

    @property
    def label(self) -> str:
        return "unlikely"
