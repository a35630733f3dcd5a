"""The cases of the engine tests: every example, then generated variants and bad lines.

``generated(n)`` is deterministic (a fixed seed): each case is an example with a fresh
order id, its instants moved together by up to 300 days (other holidays, other
weekdays), one instant now and then moved on its own by up to 20 days (late, early or
out of order), booleans flipped and prices changed; about one in twelve is a bad line
of some kind (invalid JSON, not an object, wrong types, an unknown stage, missing
facts), which must give one error record, not an exception.
"""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$")

BAD = (
    "{not json",
    "[1, 2, 3]",
    '"a string"',
    '{"stage": "return_request", "order_id": 5}',
    '{"stage": "teleport", "order_id": "X-1"}',
    '{"stage": "defect_claim", "order_id": "X-2"}',
    "{}",
    "null",
)


def examples() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES]


def _walk(doc: Any, rng: random.Random, shift: timedelta, order_id: str) -> Any:
    if isinstance(doc, dict):
        out = {}
        for k, v in doc.items():
            if k == "order_id" and isinstance(v, str):
                out[k] = order_id
            elif isinstance(v, bool) and rng.random() < 0.08:
                out[k] = not v
            elif k == "amount" and isinstance(v, str) and rng.random() < 0.5:
                out[k] = f"{rng.randrange(5, 500_000) / 100:.2f}"
            else:
                out[k] = _walk(v, rng, shift, order_id)
        return out
    if isinstance(doc, list):
        return [_walk(v, rng, shift, order_id) for v in doc]
    if isinstance(doc, str) and INSTANT.match(doc):
        moved = datetime.fromisoformat(doc) + shift
        if rng.random() < 0.1:
            moved += timedelta(days=rng.randint(-20, 20), hours=rng.randint(-12, 12))
        return moved.isoformat()
    return doc


def generated(n: int, seed: int = 20250112) -> list[str]:
    """``n`` JSON texts: varied examples and, now and then, a bad line."""
    rng = random.Random(seed)
    docs = examples()
    out = []
    for i in range(n):
        if rng.random() < 0.08:
            out.append(rng.choice(BAD))
            continue
        example = docs[rng.randrange(len(docs))]
        shift = timedelta(days=rng.randint(-300, 300))
        out.append(json.dumps(_walk(example, rng, shift, f"GEN-{i:06d}")))
    return out


def all_cases(n: int = 400) -> tuple[list[str], list[str]]:
    """Every example, then ``n`` generated cases, as JSON texts; and their keys."""
    texts = [json.dumps(d) for d in examples()] + generated(n)
    keys = [f"{p.stem}" for p in EXAMPLES] + [f"gen-{i}" for i in range(n)]
    return texts, keys
