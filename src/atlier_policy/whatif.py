"""What-if analysis: the same cases under two policies, and what changes.

:func:`compare` evaluates every case under a baseline and a candidate (a
:class:`Policy` or a :class:`PolicyVersions` registry) and pairs the item
decisions. A decision *changes* when its outcome or its determining reason codes
differ (the policy version alone is no change); a changed deadline or amount with
the same outcome and reasons is reported as ``obligations_changed``::

    >>> from atlier_policy.codec import case_from_dict
    >>> from atlier_policy.policy import default_policy
    >>> late = case_from_dict({"stage": "defect_claim", "order_id": "A-1",
    ...         "kind": "arrived_damaged", "channel": "email",
    ...         "reported_at": "2025-03-08T10:00:00-05:00",
    ...         "photos_sent_at": "2025-03-08T10:00:00-05:00",
    ...         "item": {"sku": "RING-7", "channel": "website",
    ...                  "delivered_at": "2025-03-03T12:00:00-05:00"}})
    >>> result = compare([late], default_policy(), default_policy(defect_notice_days=5))
    >>> [(c.baseline.value, c.candidate.value) for c in result.changes]
    [('not_covered', 'accepted_pending_inspection')]

Evaluation is pure; reading files is the CLI's job (``atlier-policy diff``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields
from typing import Any, Protocol

from atlier_policy._values import value_class
from atlier_policy.decision import Decision, OrderDecision, Outcome, _display
from atlier_policy.errors import InputError
from atlier_policy.policy import Case, Policy
from atlier_policy.rules import Finding
from atlier_policy.strings import in_words, one_line
from atlier_policy.terms import PolicyTerms
from atlier_policy.versions import PolicyVersions, _typed

_CTX = "compare"

__all__ = [
    "Comparison",
    "ComparisonSummary",
    "DecisionChange",
    "Evaluator",
    "Group",
    "compare",
    "compare_case",
]


class Evaluator(Protocol):
    """What :func:`compare` needs of a policy: ``Policy`` and ``PolicyVersions`` fit."""

    def evaluate(self, case: Case) -> Decision | OrderDecision: ...


@value_class(kw_only=True)
class DecisionChange:
    """One item decision under the baseline and under the candidate.

    ``case`` is the case's position in the input (0-based for :func:`compare`,
    the line number in ``atlier-policy diff``).
    """

    case: int
    order_id: str
    sku: str | None
    stage: str
    baseline: Outcome
    candidate: Outcome
    baseline_reasons: tuple[str, ...]
    candidate_reasons: tuple[str, ...]
    baseline_version: str
    candidate_version: str
    obligations_changed: bool

    @property
    def outcome_changed(self) -> bool:
        return self.baseline != self.candidate

    @property
    def changed(self) -> bool:
        """The outcome or the determining reason codes differ."""
        return self.outcome_changed or self.baseline_reasons != self.candidate_reasons

    @property
    def differs(self) -> bool:
        """Anything differs: the outcome, the reason codes or the obligations."""
        return self.changed or self.obligations_changed

    @property
    def reasons_added(self) -> tuple[str, ...]:
        """Reason codes the candidate gives and the baseline does not."""
        return tuple(c for c in self.candidate_reasons if c not in self.baseline_reasons)

    @property
    def reasons_removed(self) -> tuple[str, ...]:
        """Reason codes the baseline gives and the candidate does not."""
        return tuple(c for c in self.baseline_reasons if c not in self.candidate_reasons)

    def to_record(self) -> dict[str, Any]:
        """One flat row (scalars only) for a DataFrame."""
        return {
            "case": self.case,
            "order_id": self.order_id,
            "sku": self.sku,
            "stage": self.stage,
            "baseline_outcome": self.baseline.value,
            "candidate_outcome": self.candidate.value,
            "changed": self.changed,
            "outcome_changed": self.outcome_changed,
            "obligations_changed": self.obligations_changed,
            "baseline_reason_codes": ";".join(self.baseline_reasons),
            "candidate_reason_codes": ";".join(self.candidate_reasons),
            "reasons_added": ";".join(self.reasons_added),
            "reasons_removed": ";".join(self.reasons_removed),
            "baseline_version": self.baseline_version,
            "candidate_version": self.candidate_version,
        }

    def __str__(self) -> str:
        subject = f"case {self.case}, order {self.order_id}"
        subject += f", item {self.sku}" if self.sku else ""
        codes = [f"+{c}" for c in self.reasons_added] + [f"-{c}" for c in self.reasons_removed]
        tail = f" [{' '.join(codes)}]" if codes else ""
        return (
            f"{subject} ({in_words(self.stage)}): "
            f"{in_words(self.baseline)} -> {in_words(self.candidate)}{tail}"
        )


@value_class(kw_only=True)
class Group:
    """How many changed decisions go from one outcome to another with one reason code.

    ``effect`` is ``"added"`` (the candidate gives the reason), ``"removed"`` (only
    the baseline did) or ``"none"`` (``code`` is empty: the reason codes are equal).
    A change with several differing codes counts once under each.
    """

    stage: str
    baseline: Outcome
    candidate: Outcome
    code: str
    effect: str
    count: int

    def to_record(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "baseline_outcome": self.baseline.value,
            "candidate_outcome": self.candidate.value,
            "reason_code": self.code,
            "effect": self.effect,
            "count": self.count,
        }


@value_class(kw_only=True)
class Comparison:
    """The result of :func:`compare`: every item decision paired, and what changed.

    ``errors`` holds ``(case, message)`` for the cases that could not be
    evaluated (the CLI keeps going past bad lines; :func:`compare` raises instead).

    ``unchanged`` counts, by ``(stage, outcome)``, the item decisions that differ in
    nothing and are left out of ``decisions`` (:func:`compare` keeps every pair; a caller
    that streams may count the others). ``atlier-policy diff`` builds no ``Comparison``:
    it streams its cases through a :class:`ComparisonSummary`, which also formats
    :meth:`summary`. ``blank_lines`` is the number of blank lines of the file the cases
    were read from (``None``: not read from a file).
    """

    baseline: str
    candidate: str
    cases: int
    decisions: tuple[DecisionChange, ...]
    errors: tuple[tuple[int, str], ...] = ()
    unchanged: tuple[tuple[str, Outcome, int], ...] = ()
    blank_lines: int | None = None

    @property
    def total(self) -> int:
        """How many item decisions were compared, those counted in ``unchanged`` included."""
        return len(self.decisions) + sum(n for _, _, n in self.unchanged)

    @property
    def changes(self) -> tuple[DecisionChange, ...]:
        """The decisions whose outcome or reason codes differ."""
        return tuple(d for d in self.decisions if d.changed)

    @property
    def obligation_changes(self) -> tuple[DecisionChange, ...]:
        """The decisions with the same outcome and reasons whose obligations differ
        (a deadline, the refund window, an amount): no change of decision, but a change
        the customer sees."""
        return tuple(d for d in self.decisions if d.obligations_changed and not d.changed)

    @property
    def transitions(self) -> dict[tuple[str, Outcome, Outcome], int]:
        """How many item decisions go from each outcome to each, unchanged ones included."""
        return self._summary(0).transitions

    @property
    def groups(self) -> tuple[Group, ...]:
        """Changed decisions counted by (stage, from, to, reason code), most frequent first."""
        return self._summary(0).groups

    def _summary(self, limit: int) -> ComparisonSummary:
        """The running summary of ``decisions``, ``unchanged`` and ``errors``, as
        ``atlier-policy diff`` builds it while it reads (``limit`` changes kept per list)."""
        summary = ComparisonSummary(self.baseline, self.candidate, limit=limit)
        summary.cases, summary.blank_lines = self.cases, self.blank_lines
        for d in self.decisions:
            summary.add(d)
        for stage, outcome, n in self.unchanged:
            summary.add_unchanged(stage, outcome, n)
        for case, message in self.errors:
            summary.add_error(case, message)
        return summary

    def to_records(self) -> list[dict[str, Any]]:
        """One flat row per item decision of ``decisions``, changed or not, for a DataFrame."""
        return [d.to_record() for d in self.decisions]

    def to_dict(self) -> dict[str, Any]:
        """The whole comparison as a JSON-ready document."""
        return self._summary(0).head() | {
            "changes": [d.to_record() for d in self.changes],
            "obligation_changes": [d.to_record() for d in self.obligation_changes],
            "errors": [{"case": n, "error": message} for n, message in self.errors],
        }

    @property
    def counts(self) -> dict[str, int]:
        """The summary's counts of item decisions: ``outcome_changed``, ``reasons_only``
        (same outcome, other reason codes), ``obligations_only`` and ``unchanged`` add up
        to ``decisions``; ``cases`` and ``errors`` count cases."""
        return self._summary(0).counts

    def summary(self, limit: int = 20) -> str:
        """A readable summary: counts, groups by reason code, the first ``limit`` changes."""
        summary = self._summary(limit)
        return "\n".join([*summary.lines(), *summary.error_lines(self.errors)])

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        # Short: the default would list every pair of decisions (kilobytes in a notebook).
        return (
            f"Comparison({_n(self.cases, 'case')}, {_n(self.total, 'decision')}, "
            f"{len(self.changes)} changed, baseline {self.baseline!r}, "
            f"candidate {self.candidate!r})"
        )

    def _repr_html_(self) -> str:
        """Counts, groups and the first changes as tables in Jupyter (the display
        adapter's HTML)."""
        return _display("comparison_html")(self)  # type: ignore[no-any-return]


class ComparisonSummary:
    """A comparison's summary, built one decision at a time in memory independent of their
    number: the counts (by stage and outcomes, and by reason code, as :class:`Group`), the
    first ``limit`` changes and obligation changes, and how many errors.
    ``atlier-policy diff`` streams its cases through one; :class:`Comparison` formats its
    summary and counts with one too, so that one place formats a summary.

    The errors themselves are not held: :meth:`error_lines` formats those the caller
    kept (``atlier-policy diff`` writes them to a temporary file as it reads).
    """

    def __init__(self, baseline: str, candidate: str, *, limit: int = 20) -> None:
        self.baseline, self.candidate, self.limit = baseline, candidate, limit
        self.cases = 0
        self.blank_lines: int | None = None
        self.total = self.changed = self.outcome_changed = self.obligations_only = 0
        self.errors = 0
        self.first_changes: list[DecisionChange] = []
        self.first_obligation_changes: list[DecisionChange] = []
        self._transitions: Counter[tuple[str, Outcome, Outcome]] = Counter()
        self._groups: Counter[tuple[str, Outcome, Outcome, str, str]] = Counter()

    def add(self, d: DecisionChange) -> None:
        """Count one pair of decisions (keeping it if it is among the first ``limit``)."""
        self.total += 1
        self._transitions[(d.stage, d.baseline, d.candidate)] += 1
        if d.changed:
            self.changed += 1
            self.outcome_changed += d.outcome_changed
            if len(self.first_changes) < self.limit:
                self.first_changes.append(d)
            keys = [(c, "added") for c in d.reasons_added]
            keys += [(c, "removed") for c in d.reasons_removed]
            for code, effect in keys or [("", "none")]:
                self._groups[(d.stage, d.baseline, d.candidate, code, effect)] += 1
        elif d.obligations_changed:
            self.obligations_only += 1
            if len(self.first_obligation_changes) < self.limit:
                self.first_obligation_changes.append(d)

    def add_unchanged(self, stage: str, outcome: Outcome, n: int = 1) -> None:
        """Count ``n`` pairs of decisions that differ in nothing."""
        self.total += n
        self._transitions[(stage, outcome, outcome)] += n

    def add_error(self, case: int, message: str) -> None:
        """Count a case that could not be evaluated (its message is not kept)."""
        self.errors += 1

    @property
    def transitions(self) -> dict[tuple[str, Outcome, Outcome], int]:
        """As :attr:`Comparison.transitions`."""
        return dict(self._transitions)

    @property
    def groups(self) -> tuple[Group, ...]:
        """As :attr:`Comparison.groups`."""
        ordered = sorted(self._groups.items(), key=lambda kv: (-kv[1], *map(str, kv[0])))
        return tuple(
            Group(stage=s, baseline=b, candidate=c, code=code, effect=e, count=n)
            for (s, b, c, code, e), n in ordered
        )

    @property
    def counts(self) -> dict[str, int]:
        """As :attr:`Comparison.counts`."""
        return {
            "cases": self.cases,
            "decisions": self.total,
            "outcome_changed": self.outcome_changed,
            "reasons_only": self.changed - self.outcome_changed,
            "obligations_only": self.obligations_only,
            "unchanged": self.total - self.changed - self.obligations_only,
            "errors": self.errors,
        }

    def head(self) -> dict[str, Any]:
        """:meth:`Comparison.to_dict` without its lists (``changes``,
        ``obligation_changes``, ``errors``), which come last."""
        return {
            "baseline": self.baseline,
            "candidate": self.candidate,
            "cases": self.cases,
            "blank_lines": self.blank_lines,
            "decisions": self.total,
            "changed": self.changed,
            "outcome_changed": self.outcome_changed,
            "obligations_only": self.obligations_only,
            "transitions": [
                {"stage": s, "baseline_outcome": b.value, "candidate_outcome": c.value}
                | {"count": n}
                for (s, b, c), n in sorted(self._transitions.items())
            ],
            "groups": [g.to_record() for g in self.groups],
        }

    def lines(self) -> Iterator[str]:
        """The summary's lines up to the errors: counts, groups, the first changes."""
        n = self.counts
        lines = [
            f"what-if: {self.baseline} -> {self.candidate}",
            f"{_n(self.cases, 'case')}, {_n(self.total, 'decision')}: "
            f"{n['outcome_changed']} change outcome, {n['reasons_only']} change reasons only, "
            f"{n['obligations_only']} change obligations only, "
            f"{n['unchanged']} unchanged"
            + (f"; {_n(self.errors, 'case')} with errors" if self.errors else "")
            + ("" if self.blank_lines is None else f"; {_n(self.blank_lines, 'blank line')}"),
        ]
        if self.changed:
            lines.append("by outcome and reason code:")
        for g in self.groups:
            sign = {"added": "+", "removed": "-"}.get(g.effect, "")
            code = f"{sign}{g.code}" if g.code else "(same reason codes)"
            lines.append(
                f"  {g.count:>6}  {in_words(g.stage)}: {in_words(g.baseline)} -> "
                f"{in_words(g.candidate)}  {code}"
            )
        listed = (
            ("changes:", self.first_changes, self.changed),
            ("obligations only:", self.first_obligation_changes, self.obligations_only),
        )
        for title, first, count in listed:
            if count:
                lines.append(title)
            lines += [f"  {d}" for d in first]
            if count > len(first):
                lines.append(f"  ... and {count - len(first)} more")
        yield from map(one_line, lines)  # one line each, whatever the strings hold

    @staticmethod
    def error_lines(errors: Iterable[tuple[int, str]]) -> Iterator[str]:
        """The summary's last lines: one per error, ``(case, message)``."""
        for n, message in errors:
            yield one_line(f"  error in case {n}: {message}")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _codes(d: Decision) -> tuple[str, ...]:
    # The determining codes, as in Decision.to_record: every reason that did not pass.
    return tuple(r.code for r in d.reasons if r.finding is not Finding.PASSED)


def _items(result: Decision | OrderDecision) -> tuple[Decision, ...]:
    return result.items if isinstance(result, OrderDecision) else (result,)


def compare_case(
    case: Case | Mapping[str, Any], baseline: Evaluator, candidate: Evaluator, *, label: int = 0
) -> tuple[DecisionChange, ...]:
    """One case under both policies: a pair of decisions per item."""
    typed: Case = _typed(case, baseline)  # the baseline's stages
    before, after = _items(baseline.evaluate(typed)), _items(candidate.evaluate(typed))
    return tuple(
        DecisionChange(
            case=label,
            order_id=b.order_id,
            sku=b.sku,
            stage=b.stage,
            baseline=b.outcome,
            candidate=a.outcome,
            baseline_reasons=_codes(b),
            candidate_reasons=_codes(a),
            baseline_version=b.policy_version,
            candidate_version=a.policy_version,
            obligations_changed=(b.obligations, b.settlement) != (a.obligations, a.settlement),
        )
        for b, a in zip(before, after, strict=True)
    )


def compare(
    cases: Iterable[Case | Mapping[str, Any]],
    baseline: Evaluator,
    candidate: Evaluator,
    *,
    baseline_name: str | None = None,
    candidate_name: str | None = None,
) -> Comparison:
    """Evaluate every case under ``baseline`` and ``candidate`` and pair the decisions.

    Cases are typed cases or JSON documents (dicts). A bad case raises
    :class:`InputError` naming its position. Names default to the policy versions.
    """
    if isinstance(cases, str | bytes | Mapping) or not isinstance(cases, Iterable):
        raise InputError.single(
            "cases", "an iterable of cases (typed cases or dicts)", type(cases).__name__, _CTX
        )
    for name, policy in (("baseline", baseline), ("candidate", candidate)):
        if not callable(getattr(policy, "evaluate", None)):
            raise InputError.single(
                name, "a Policy or a PolicyVersions registry", type(policy).__name__, _CTX
            )
    pairs: list[DecisionChange] = []
    n = 0
    for n, case in enumerate(cases, 1):
        try:
            pairs.extend(compare_case(case, baseline, candidate, label=n - 1))
        except InputError as exc:
            context = f"case {n - 1}" + (f": {exc.context}" if exc.context else "")
            raise type(exc)(exc.problems, context) from None
    before = baseline_name or _name(baseline)
    after = candidate_name or _name(candidate)
    if candidate_name is None:
        namesake = _namesake(baseline, candidate)
        if namesake is not None and namesake != candidate:
            after = _candidate_name(after, namesake, candidate)
        elif after == before and baseline != candidate:
            after = _candidate_name(after, baseline, candidate)
    return Comparison(
        baseline=before,
        candidate=after,
        cases=n,
        decisions=tuple(pairs),
    )


def _name(policy: Evaluator) -> str:
    if isinstance(policy, PolicyVersions):
        return "versions " + ", ".join(policy.versions)
    if isinstance(policy, Policy):
        return f"version {policy.version}"
    return type(policy).__name__


def _namesake(baseline: Evaluator, candidate: Evaluator) -> Policy | None:
    """The baseline's policy that bears the candidate policy's version id, if any (the
    baseline itself, or one version of a registry)."""
    if not isinstance(candidate, Policy):
        return None
    if isinstance(baseline, PolicyVersions):
        return next((p for p in baseline.policies if p.version == candidate.version), None)
    if isinstance(baseline, Policy) and baseline.version == candidate.version:
        return baseline
    return None


def _candidate_name(name: str, baseline: Evaluator, candidate: Evaluator) -> str:
    """A candidate that bears the baseline's name but is another policy: the name says
    how it differs (the terms that differ, else that its clauses do), so that a summary
    never reads "version X -> version X" for two policies."""
    if isinstance(baseline, Policy) and isinstance(candidate, Policy):
        changed = _terms_changed(baseline.terms, candidate.terms)
        return f"{name} (candidate: {changed or 'other clauses'})"
    return f"{name} (candidate)"


def _terms_changed(before: PolicyTerms, after: PolicyTerms) -> str:
    """``name=value`` for each term that differs, in the order of the terms."""
    return ", ".join(
        f"{f.name}={_term(getattr(after, f.name))}"
        for f in fields(PolicyTerms)
        if f.compare and getattr(before, f.name) != getattr(after, f.name)
    )


def _term(value: object) -> str:
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(map(str, value))) + "}"
    return str(value)
