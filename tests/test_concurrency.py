"""Thread and process safety: shared policies and calendars give the single-threaded answers."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import random
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from atlier_policy import Decision, OrderDecision, Policy, default_policy
from atlier_policy.codec import case_from_dict

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.json"))
# A calendar country no other test uses, so its business-day table starts empty here.
COUNTRY = "IS"


def _shift(value: Any, delta: timedelta) -> Any:
    """The same case with every instant moved by ``delta`` (weeks keep weekdays)."""
    if isinstance(value, datetime):
        return value + delta
    if isinstance(value, tuple):
        return tuple(_shift(v, delta) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _shift(getattr(value, f.name), delta)
            for f in dataclasses.fields(value)
            if f.init and not f.name.startswith("_")
        }
        return dataclasses.replace(value, **changes)
    return value


def _cases() -> list[Any]:
    base = [case_from_dict(json.loads(p.read_text())) for p in EXAMPLES]
    # Years from the 2020s to the 2090s: most of them loaded by no calendar yet.
    return [_shift(c, timedelta(weeks=52 * k)) for k in range(0, 75, 5) for c in base]


def _evaluate_all(policy: Policy, cases: list[Any]) -> list[Decision | OrderDecision]:
    return [policy.evaluate(c) for c in cases]


def test_threads_and_processes_agree_with_one_thread() -> None:
    """8 threads sharing one policy, and a process pool, give exactly the single-threaded decisions."""
    cases = _cases()
    policy = default_policy(calendar_country=COUNTRY)
    orders = [random.Random(seed).sample(range(len(cases)), len(cases)) for seed in range(8)]

    def run(order: list[int]) -> dict[int, Decision | OrderDecision]:
        return {i: policy.evaluate(cases[i]) for i in order}

    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(run, orders))
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as procs:
        halves = [cases[: len(cases) // 2], cases[len(cases) // 2 :]]
        in_processes = [
            d for part in procs.map(_evaluate_all, [policy, policy], halves) for d in part
        ]
    single = _evaluate_all(policy, cases)
    for result in threaded:
        assert [result[i] for i in range(len(cases))] == single
    assert in_processes == single
    # The window dates moved with the cases: the far years really were computed.
    years = {
        d.obligations.refund_latest.year
        for d in single
        if isinstance(d, Decision) and d.obligations.refund_latest is not None
    }
    assert max(years) >= 2090


def test_threads_reading_one_lazy_decision_see_the_same_explanation() -> None:
    """8 threads reading the reasons and trace of the same fresh decisions get equal values."""
    policy = default_policy()
    cases = [case_from_dict(json.loads(p.read_text())) for p in EXAMPLES]
    reference = [_items(policy.evaluate(c)) for c in cases]
    expected = _explanations(reference)
    for _ in range(5):
        shared = [_items(policy.evaluate(c)) for c in cases]  # nothing read yet
        with ThreadPoolExecutor(max_workers=8) as pool:
            seen = list(pool.map(_explanations, [shared] * 8))
        assert all(s == expected for s in seen)


def _items(d: Decision | OrderDecision) -> tuple[Decision, ...]:
    return d.items if isinstance(d, OrderDecision) else (d,)


def _explanations(decided: list[tuple[Decision, ...]]) -> list[list[Any]]:
    return [[(d.reasons, d.trace, d.missing) for d in items] for items in decided]
