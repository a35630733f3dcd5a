"""Write N generated case documents (JSON Lines) cycling through every example, varied.

Usage: python benchmarks/make_cases.py N OUT.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.json"))


def main() -> None:
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    rng = random.Random(20250112)
    docs = [json.loads(p.read_text()) for p in EXAMPLES]
    with out.open("w", encoding="utf-8") as fh:
        for i in range(n):
            doc = dict(docs[i % len(docs)])
            doc["order_id"] = f"AJ-{i:08d}"
            if rng.random() < 0.01:
                fh.write('{"stage": "return_request", "order_id": 5}\n')  # a bad line now and then
                continue
            fh.write(json.dumps(doc, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
