"""Write N generated case documents (JSON Lines) cycling through every example, varied.

Usage: python benchmarks/make_cases.py N OUT.jsonl

Each line is an example with a fresh order id (also in a nested document that carries
the case's order id, as an inspection's return request must); one line in a hundred is
malformed on purpose.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.json"))


def with_order_id(doc: Any, old: str, new: str) -> Any:
    """``doc`` with every ``order_id`` equal to ``old`` replaced by ``new`` (nested too)."""
    if isinstance(doc, dict):
        return {
            k: new if k == "order_id" and v == old else with_order_id(v, old, new)
            for k, v in doc.items()
        }
    if isinstance(doc, list):
        return [with_order_id(v, old, new) for v in doc]
    return doc


def main() -> None:
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    rng = random.Random(20250112)
    docs = [json.loads(p.read_text()) for p in EXAMPLES]
    with out.open("w", encoding="utf-8") as fh:
        for i in range(n):
            example = docs[i % len(docs)]
            doc = with_order_id(example, example["order_id"], f"AJ-{i:08d}")
            if rng.random() < 0.01:
                fh.write('{"stage": "return_request", "order_id": 5}\n')  # a bad line now and then
                continue
            fh.write(json.dumps(doc, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
