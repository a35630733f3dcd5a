"""The laws of "how to qualify", and the check of a clause's fix row.

``laws`` holds for every answer of ``how_to_qualify`` (tests/test_qualify.py checks it
on generated cases). A fix row (tests/clauses/, one table per section) names a case,
the reason code of one clause, the kind of change that lifts it (None: a blocker) and
a fragment of the words; ``check_fix`` asserts them, and the laws.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from atlier_policy import DefectClaim, ExchangeRequest, Inspection, ReturnRequest, default_policy
from atlier_policy.advice import get_path
from atlier_policy.deadlines import store_date
from atlier_policy.qualify import (
    Blocker,
    FixKind,
    Qualification,
    format_qualification,
    how_to_qualify,
)
from atlier_policy.rules import Finding
from builders import NY
from tables import decisions

POLICY = default_policy()
FIX_ROW = ("case", "code", "kind", "fragment")
# The whole answer of each fix row, reviewed once and kept (ATLIER_UPDATE_SNAPSHOTS=1
# rewrites it): the row's fragment states what the sentence demands, the golden answer
# pins every word, kind, day and change of the clause's fix around it.
GOLDEN = Path(__file__).parent / "snapshots" / "fixes"
UPDATE = os.environ.get("ATLIER_UPDATE_SNAPSHOTS") == "1"


def one(case: Any) -> Qualification:
    (q,) = how_to_qualify(case)
    return q


def only_suggestion(q: Qualification) -> tuple[str, FixKind, dict[str, object]]:
    (s,) = q.suggestions
    return s.message, s.kind, {c.path: c.new for c in s.changes}


def check_fix(
    case: Any, code: str, kind: FixKind | None, fragment: str, golden: tuple[str, str]
) -> None:
    """The reason ``code`` gets its suggestion (with its kind) or its blocker, in plain words,
    and the whole answer is the golden one (``golden``: the section's file and the row id).

    ``case`` is a case, or a case and the policy that judges it.
    """
    case, policy = case if isinstance(case, tuple) else (case, POLICY)
    (q,) = how_to_qualify(case, policy=policy)
    found = [s for s in q.suggestions if s.code == code] + [b for b in q.blockers if b.code == code]
    assert found, format_qualification(q)
    fix = found[0]
    if kind is None:
        assert isinstance(fix, Blocker)
        assert q.case is None
    else:
        assert not isinstance(fix, Blocker)
        assert fix.kind is kind
    assert fragment in fix.message
    laws(case, policy.evaluate(case), (q,), policy)
    check_golden(q, *golden)


def rendered(q: Qualification) -> dict[str, Any]:
    """Every field of an answer, as JSON: the words, kinds, days and changes of each fix."""
    return {
        "text": format_qualification(q).splitlines(),
        "suggestions": [
            {
                "clause": f"{s.clause_id} (§{s.section}): {s.code}",
                "kind": s.kind.value,
                "deadline": str(s.deadline),
                "changes": {c.path: f"{c.old!r} -> {c.new!r}" for c in s.changes},
            }
            for s in q.suggestions
        ],
        "blockers": [f"{b.clause_id} (§{b.section}): {b.code}" for b in q.blockers],
        "changed": None if q.outcome_if_changed is None else q.outcome_if_changed.value,
    }


def check_golden(q: Qualification, section: str, key: str) -> None:
    """``q`` equals the answer kept under ``key`` in ``snapshots/fixes/<section>.json``."""
    path = GOLDEN / f"{section}.json"
    kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    actual = rendered(q)
    if UPDATE and kept.get(key) != actual:
        kept[key] = actual
        path.parent.mkdir(exist_ok=True)
        text = json.dumps(dict(sorted(kept.items())), indent=1, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
    assert actual == kept.get(key), key


def laws(case: Any, result: Any, quals: tuple[Qualification, ...], policy: Any = POLICY) -> None:
    judged = decisions(result)
    assert len(quals) == len(judged)
    for i, (d, q) in enumerate(zip(judged, quals, strict=True)):
        assert (q.outcome, q.sku) == (d.outcome, d.sku)
        if d.granted:
            assert (q.suggestions, q.blockers, q.case) == ((), (), None)
            continue
        # 1. Every failing or unknown reason is answered: a suggestion or a blocker.
        answered = {(s.clause_id, s.code) for s in q.suggestions}
        answered |= {(b.clause_id, b.code) for b in q.blockers}
        for r in d.reasons:
            if r.finding is not Finding.PASSED:
                assert (r.clause_id, r.code) in answered
        # 2. The changed case is the given one with exactly the suggested changes,
        #    and its outcome is the one reported -- and differs from the decision's.
        if q.case is not None:
            assert not q.blockers
            for s in q.suggestions:
                for ch in s.changes:
                    assert get_path(q.case, ch.path) == ch.new
            (changed,) = [decisions(policy.evaluate(q.case))[i]]
            assert changed.outcome == q.outcome_if_changed != d.outcome
        # 3. No blocker and every change named: the changes together grant the item.
        if not q.blockers and all(s.changes for s in q.suggestions) and q.case is not None:
            assert q.outcome_if_changed is not None
            assert changed.granted, format_qualification(q)
        # 4. Nothing asks the customer to act by a day already past when they asked
        #    (interpretation 9: a sale item asked back after the defect window).
        asked = _asked_on(case)
        for s in q.suggestions:
            if s.kind in (FixKind.ACT, FixKind.DEFECT) and s.deadline is not None:
                assert asked is None or s.deadline >= asked, format_qualification(q)


def _asked_on(case: Any) -> date | None:
    """The store date on which the customer asked (request or report), if the case has one."""
    if isinstance(case, Inspection):
        return _asked_on(case.request)
    if isinstance(case, ReturnRequest | ExchangeRequest):
        return store_date(case.requested_at, NY)
    if isinstance(case, DefectClaim):
        return store_date(case.reported_at, NY)
    return None
