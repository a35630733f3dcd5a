"""Benchmark: return-request eligibility, ours against rule-engine, zen-engine and plain ``if``s.

Run ``python benchmarks/peers.py`` (needs the ``bench`` dependency group:
``python scripts/group.py bench | pip install -r /dev/stdin``).

The eight checks of issue 6 item 1 (website purchase; custom or personalized;
engraved, resized or altered; sale unless a confirmed defect or, since issue 11, a
piece sent in error (return reason ``store_error``); the 7-day window from
delivery to request, both as dates in the store zone America/New_York; unused and
unworn; packaging, certificates, tags and accessories all there; proof of purchase)
are encoded three more ways here:

* ``rule-engine``: one :class:`rule_engine.Rule` per check, matched against a dict;
* ``zen-engine``: one JDM decision table with the ``collect`` hit policy, built below;
* a hand-written chain of ``if`` statements, on the same dict (and, second variant,
  on the typed case ours reads).

Each engine gets its input prepared beforehand: the typed ``ReturnRequest`` for ours,
a dict of plain values for the others. rule-engine has no time-zone conversion in
its language, so its dict (and the hand-written chain's) carries both instants
already converted to the store zone; zen-engine gets ISO 8601 strings and converts
them itself (``d(...).tz("America/New_York")``).

All failing reasons are collected. The script generates 10,000 varied single-item
requests (fixed seed, every fact known), checks that the four give the same set of
failing reasons on each one, then times evaluation only, in CPU time
(``time.process_time``), the engines interleaved round by round: median of several
rounds, µs per case, same cases for all.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import rule_engine
import zen

from _common import materialize, report, side_by_side, table
from atlier_policy import Condition, Item, Money, ReturnItem, ReturnRequest, default_policy
from atlier_policy.cases import ItemKind, ProofOfPurchase, ReturnReason, SaleEvent, SalesChannel
from atlier_policy.rules import Finding

STORE_TZ = ZoneInfo("America/New_York")
ZONES = tuple(
    ZoneInfo(z)
    for z in ("America/New_York", "UTC", "America/Los_Angeles", "Asia/Tokyo", "Europe/Paris")
)
WINDOW_DAYS = 7

# Our reason codes (Reason.code of a FAILED reason) -> the peers' check names.
CODE_TO_CHECK = {
    "website_purchase": "not_website",
    "custom_or_personalized": "custom_or_personalized",
    "engraved": "modified",
    "resized": "modified",
    "altered": "modified",
    "sale_item": "final_sale",
    "return_window_expired": "window_expired",
    "unused": "used_or_worn",
    "unworn": "used_or_worn",
    "original_packaging": "incomplete_packaging",
    "certificates": "incomplete_packaging",
    "tags": "incomplete_packaging",
    "accessories": "incomplete_packaging",
    "proof_of_purchase": "no_proof",
}
CHECKS = sorted(set(CODE_TO_CHECK.values()))

# --- cases -------------------------------------------------------------------------------


def _flag(rng: random.Random, p_bad: float) -> bool:
    """True (the policy's requirement met) except with probability ``p_bad``."""
    return rng.random() >= p_bad


def make_case(rng: random.Random, i: int) -> ReturnRequest:
    """One single-item return request with every fact known, varied."""
    tz_del, tz_req = rng.choice(ZONES), rng.choice(ZONES)
    base = datetime(2020, 1, 1, tzinfo=STORE_TZ) + timedelta(days=rng.randrange(3653))
    # Deliveries around midnight in the store zone make the time zone matter.
    minute = rng.choice((rng.randrange(1440), rng.randrange(23 * 60, 1440), rng.randrange(60)))
    delivered = (base + timedelta(minutes=minute)).astimezone(tz_del)
    purchased = delivered - timedelta(days=rng.randrange(1, 15), hours=rng.randrange(24))
    # Requests from the day of delivery to 12 days later, clustered around the last day.
    later = rng.choice((rng.randrange(0, 13 * 1440), rng.randrange(6 * 1440, 9 * 1440)))
    requested = (delivered + timedelta(minutes=later)).astimezone(tz_req)
    sale = SaleEvent.NONE if rng.random() < 0.75 else rng.choice(list(SaleEvent)[1:])
    channel = SalesChannel.WEBSITE if rng.random() < 0.85 else rng.choice(list(SalesChannel)[1:])
    item = Item(
        sku=f"SKU-{i:05d}",
        price=Money(Decimal(rng.randrange(50, 5000)), "USD"),
        kind=ItemKind.READY_MADE if rng.random() < 0.9 else ItemKind.CUSTOM_MADE,
        personalized=not _flag(rng, 0.08),
        engraved=not _flag(rng, 0.06),
        resized=not _flag(rng, 0.06),
        altered=not _flag(rng, 0.04),
        sale_event=sale,
        channel=channel,
        purchased_at=purchased,
        delivered_at=delivered,
    )
    condition = Condition(
        unused=_flag(rng, 0.08),
        unworn=_flag(rng, 0.08),
        original_packaging=_flag(rng, 0.06),
        certificates_included=_flag(rng, 0.05),
        tags_included=_flag(rng, 0.05),
        accessories_included=_flag(rng, 0.05),
    )
    line = ReturnItem(
        item=item,
        condition=condition,
        reason=rng.choice(list(ReturnReason)),
        defect_confirmed=rng.random() < 0.15,
    )
    proof = (
        rng.choice((ProofOfPurchase.INVOICE, ProofOfPurchase.ORDER_CONFIRMATION))
        if _flag(rng, 0.08)
        else ProofOfPurchase.NONE
    )
    return ReturnRequest(
        order_id=f"AJ-{i:06d}", requested_at=requested, items=(line,), proof_of_purchase=proof
    )


def make_cases(n: int, seed: int = 20251206) -> list[ReturnRequest]:
    rng = random.Random(seed)
    return [make_case(rng, i) for i in range(n)]


def as_dict(req: ReturnRequest) -> dict[str, Any]:
    """The flat dict rule-engine and the hand-written chain read (instants in the store zone)."""
    line = req.items[0]
    item, cond = line.item, line.condition
    assert item.delivered_at is not None
    return {
        "channel": item.channel.value if item.channel else None,
        "kind": item.kind.value if item.kind else None,
        "personalized": item.personalized,
        "engraved": item.engraved,
        "resized": item.resized,
        "altered": item.altered,
        "sale_event": item.sale_event.value if item.sale_event else None,
        "defect_confirmed": line.defect_confirmed,
        "reason": line.reason.value if line.reason else None,
        "delivered_at": item.delivered_at.astimezone(STORE_TZ),
        "requested_at": req.requested_at.astimezone(STORE_TZ),
        "unused": cond.unused,
        "unworn": cond.unworn,
        "original_packaging": cond.original_packaging,
        "certificates_included": cond.certificates_included,
        "tags_included": cond.tags_included,
        "accessories_included": cond.accessories_included,
        "proof_of_purchase": req.proof_of_purchase.value if req.proof_of_purchase else None,
    }


def as_json_context(req: ReturnRequest) -> dict[str, Any]:
    """zen-engine's context: JSON values, the instants as given (ISO 8601 with offset)."""
    doc = as_dict(req)
    line = req.items[0]
    assert line.item.delivered_at is not None
    doc["delivered_at"] = line.item.delivered_at.isoformat()
    doc["requested_at"] = req.requested_at.isoformat()
    return doc


# --- ours --------------------------------------------------------------------------------


def ours_checks(od: Any) -> set[str]:
    (d,) = od.items
    return {CODE_TO_CHECK[r.code] for r in d.reasons if r.finding is Finding.FAILED}


# --- rule-engine -------------------------------------------------------------------------

RULE_ENGINE_RULES = {
    "not_website": 'channel != "website"',
    "custom_or_personalized": 'kind == "custom_made" or personalized',
    "modified": "engraved or resized or altered",
    "final_sale": 'sale_event != "none" and not defect_confirmed and reason != "store_error"',
    "window_expired": f"requested_at.date > delivered_at.date + t'P{WINDOW_DAYS}D'",
    "used_or_worn": "not unused or not unworn",
    "incomplete_packaging": (
        "not (original_packaging and certificates_included and tags_included"
        " and accessories_included)"
    ),
    "no_proof": 'proof_of_purchase == "none"',
}


def rule_engine_evaluator() -> Any:
    ctx = rule_engine.Context()
    rules = [
        (name, rule_engine.Rule(text, context=ctx)) for name, text in RULE_ENGINE_RULES.items()
    ]

    def evaluate(doc: dict[str, Any]) -> list[str]:
        return [name for name, rule in rules if rule.matches(doc)]

    return evaluate


# --- zen-engine --------------------------------------------------------------------------

_NY = '"America/New_York"'
# Midnight of the delivery day in the store zone, plus 7 days and 12 hours: the last day
# to request, whatever daylight-saving change falls in between (ZEN adds exact hours).
_ZEN_WINDOW = (
    f'd(requested_at).tz({_NY}).isAfter(d(delivered_at).tz({_NY}).startOf("day")'
    f'.add({WINDOW_DAYS * 24 + 12}, "h"), "day")'
)

# (check name, {input column: cell}) -- one row per way a check can fail.
ZEN_ROWS: list[tuple[str, dict[str, str]]] = [
    ("not_website", {"channel": '$ != "website"'}),
    ("custom_or_personalized", {"kind": '"custom_made"'}),
    ("custom_or_personalized", {"personalized": "true"}),
    ("modified", {"engraved": "true"}),
    ("modified", {"resized": "true"}),
    ("modified", {"altered": "true"}),
    (
        "final_sale",
        {"sale_event": '$ != "none"', "defect_confirmed": "false", "reason": '$ != "store_error"'},
    ),
    ("window_expired", {"window": _ZEN_WINDOW}),
    ("used_or_worn", {"unused": "false"}),
    ("used_or_worn", {"unworn": "false"}),
    ("incomplete_packaging", {"original_packaging": "false"}),
    ("incomplete_packaging", {"certificates_included": "false"}),
    ("incomplete_packaging", {"tags_included": "false"}),
    ("incomplete_packaging", {"accessories_included": "false"}),
    ("no_proof", {"proof_of_purchase": '"none"'}),
]
ZEN_COLUMNS = [
    "channel",
    "kind",
    "personalized",
    "engraved",
    "resized",
    "altered",
    "sale_event",
    "defect_confirmed",
    "reason",
    "window",  # no field: its cells are whole expressions over the context
    "unused",
    "unworn",
    "original_packaging",
    "certificates_included",
    "tags_included",
    "accessories_included",
    "proof_of_purchase",
]


def zen_jdm() -> dict[str, Any]:
    """The JDM graph: input -> decision table (collect) -> output."""
    inputs = [
        {"id": f"in_{c}", "name": c, **({} if c == "window" else {"field": c})} for c in ZEN_COLUMNS
    ]
    rules = []
    for i, (check, cells) in enumerate(ZEN_ROWS):
        row = {"_id": f"r{i}", "out_reason": json.dumps(check)}
        row.update({f"in_{c}": cells.get(c, "") for c in ZEN_COLUMNS})
        rules.append(row)
    table_node = {
        "id": "eligibility",
        "type": "decisionTableNode",
        "name": "return eligibility",
        "position": {"x": 300, "y": 0},
        "content": {
            "hitPolicy": "collect",
            "inputs": inputs,
            "outputs": [{"id": "out_reason", "name": "reason", "field": "reason"}],
            "rules": rules,
        },
    }
    return {
        "nodes": [
            {"id": "request", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}},
            table_node,
            {
                "id": "result",
                "type": "outputNode",
                "name": "result",
                "position": {"x": 600, "y": 0},
            },
        ],
        "edges": [
            {"id": "e1", "type": "edge", "sourceId": "request", "targetId": "eligibility"},
            {"id": "e2", "type": "edge", "sourceId": "eligibility", "targetId": "result"},
        ],
    }


def zen_evaluator() -> Any:
    decision = zen.ZenEngine().create_decision(json.dumps(zen_jdm()))

    def evaluate(ctx: dict[str, Any]) -> Any:
        return decision.evaluate(ctx)

    return evaluate


def zen_checks(result: Any) -> set[str]:
    return {row["reason"] for row in result["result"]}


# --- hand-written ------------------------------------------------------------------------

_WINDOW = timedelta(days=WINDOW_DAYS)


def hand_dict(c: dict[str, Any]) -> list[str]:
    """The eight checks as plain ``if``s on the prepared dict (instants in the store zone)."""
    out = []
    if c["channel"] != "website":
        out.append("not_website")
    if c["kind"] == "custom_made" or c["personalized"]:
        out.append("custom_or_personalized")
    if c["engraved"] or c["resized"] or c["altered"]:
        out.append("modified")
    if c["sale_event"] != "none" and not c["defect_confirmed"] and c["reason"] != "store_error":
        out.append("final_sale")
    if c["requested_at"].date() > c["delivered_at"].date() + _WINDOW:
        out.append("window_expired")
    if not (c["unused"] and c["unworn"]):
        out.append("used_or_worn")
    if not (
        c["original_packaging"]
        and c["certificates_included"]
        and c["tags_included"]
        and c["accessories_included"]
    ):
        out.append("incomplete_packaging")
    if c["proof_of_purchase"] == "none":
        out.append("no_proof")
    return out


def hand_typed(req: ReturnRequest) -> list[str]:
    """The same checks on the typed case ours reads, converting the instants itself."""
    line = req.items[0]
    item, cond = line.item, line.condition
    out = []
    if item.channel is not SalesChannel.WEBSITE:
        out.append("not_website")
    if item.kind is ItemKind.CUSTOM_MADE or item.personalized:
        out.append("custom_or_personalized")
    if item.engraved or item.resized or item.altered:
        out.append("modified")
    if (
        item.sale_event is not SaleEvent.NONE
        and not line.defect_confirmed
        and line.reason is not ReturnReason.STORE_ERROR
    ):
        out.append("final_sale")
    delivered = item.delivered_at.astimezone(STORE_TZ).date()  # type: ignore[union-attr]
    if req.requested_at.astimezone(STORE_TZ).date() > delivered + _WINDOW:
        out.append("window_expired")
    if not (cond.unused and cond.unworn):
        out.append("used_or_worn")
    if not (
        cond.original_packaging
        and cond.certificates_included
        and cond.tags_included
        and cond.accessories_included
    ):
        out.append("incomplete_packaging")
    if req.proof_of_purchase is ProofOfPurchase.NONE:
        out.append("no_proof")
    return out


# --- agreement and timing ----------------------------------------------------------------


def check_agreement(cases: list[ReturnRequest]) -> dict[str, Any]:
    policy = default_policy()
    rule_eval, zen_eval = rule_engine_evaluator(), zen_evaluator()
    by_check = dict.fromkeys(CHECKS, 0)
    clean = 0
    for req in cases:
        doc, ctx = as_dict(req), as_json_context(req)
        answers = {
            "atlier_policy": ours_checks(policy.return_request(req)),
            "rule-engine": set(rule_eval(doc)),
            "zen-engine": zen_checks(zen_eval(ctx)),
            "hand-written (dict)": set(hand_dict(doc)),
            "hand-written (typed)": set(hand_typed(req)),
        }
        if len({frozenset(a) for a in answers.values()}) != 1:
            raise SystemExit(f"disagreement on {req!r}:\n{answers}")
        for name in answers["atlier_policy"]:
            by_check[name] += 1
        clean += not answers["atlier_policy"]
    return {"cases": len(cases), "all_pass": clean, "failing_by_check": by_check}


def run(n: int = 10_000, repeat: int = 5) -> dict[str, Any]:
    cases = make_cases(n)
    agreement = check_agreement(cases)
    print(f"peers: all 4 engines (5 variants) agree on {agreement['cases']:,} cases", flush=True)

    policy = default_policy()
    rule_eval, zen_eval = rule_engine_evaluator(), zen_evaluator()
    docs = [as_dict(r) for r in cases]
    ctxs = [as_json_context(r) for r in cases]
    decide = policy.return_request

    def ours_decision() -> None:
        for r in cases:
            decide(r)

    def ours_full() -> None:
        for r in cases:
            materialize(decide(r))

    def rule_engine_run() -> None:
        for d in docs:
            rule_eval(d)

    def zen_run() -> None:
        for c in ctxs:
            zen_eval(c)

    def hand_dict_run() -> None:
        for d in docs:
            hand_dict(d)

    def hand_typed_run() -> None:
        for r in cases:
            hand_typed(r)

    runs = {
        "atlier_policy: decision": ours_decision,
        "atlier_policy: decision + reasons, trace, obligations": ours_full,
        "rule-engine (8 rules)": rule_engine_run,
        "zen-engine (decision table, collect)": zen_run,
        "hand-written if chain (dict)": hand_dict_run,
        "hand-written if chain (typed case)": hand_typed_run,
    }
    timed = side_by_side(runs, len(cases), repeat)
    us = {name: t["median"] * 1e6 for name, t in timed.items()}
    us_min = {name: t["min"] * 1e6 for name, t in timed.items()}
    for name, v in us.items():
        print(f"peers: {name}: {v:.2f} µs/case (min {us_min[name]:.2f})", flush=True)
    full = us["atlier_policy: decision + reasons, trace, obligations"]
    rule, zen_ = us["rule-engine (8 rules)"], us["zen-engine (decision table, collect)"]
    hand = us["hand-written if chain (dict)"]
    goals = [
        # issue 14 ("speed"): the goals the suite reports against
        {"goal": "ours (full) >= 5x faster than rule-engine", "ratio": rule / full, "target": 5},
        {"goal": "ours (full) >= 12x faster than zen-engine", "ratio": zen_ / full, "target": 12},
        {
            "goal": "ours (full) within 40x of the hand-written chain (dict)",
            "ratio": full / hand,
            "target": 40,
            "lower_is_better": True,
        },
        # issue 6: the first goals, kept for comparison
        {
            "goal": "(issue 6) ours (full) >= 10x faster than rule-engine",
            "ratio": rule / full,
            "target": 10,
        },
        {
            "goal": "(issue 6) ours (full) >= 40x faster than zen-engine",
            "ratio": zen_ / full,
            "target": 40,
        },
        {
            "goal": "(issue 6) ours (full) within 25x of the hand-written chain (dict)",
            "ratio": full / hand,
            "target": 25,
            "lower_is_better": True,
        },
    ]
    for g in goals:
        g["met"] = (
            g["ratio"] <= g["target"] if g.get("lower_is_better") else g["ratio"] >= g["target"]
        )
    return {
        "cases": n,
        "repeat": repeat,
        "agreement": agreement,
        "us_per_case": us,
        "us_per_case_min": us_min,
        "goals": goals,
    }


def markdown(res: dict[str, Any]) -> str:
    us = res["us_per_case"]
    full = us["atlier_policy: decision + reasons, trace, obligations"]
    dec = us["atlier_policy: decision"]
    rows = [(name, f"{v:.2f}", f"{v / full:.2f}×", f"{v / dec:.2f}×") for name, v in us.items()]
    agree = res["agreement"]
    fails = ", ".join(f"{k} {v:,}" for k, v in agree["failing_by_check"].items())
    out = [
        f"{res['cases']:,} single-item return requests; all engines give the same failing "
        f"checks on all {agree['cases']:,} ({agree['all_pass']:,} pass every check; "
        f"failing per check: {fails}). CPU µs per case, median of {res['repeat']} "
        "interleaved rounds; a ratio above 1 means that engine is slower than ours.",
        "",
        table(["engine", "µs/case", "÷ ours (full)", "÷ ours (decision)"], rows),
        "",
        "Goals:",
        "",
    ]
    out += [
        f"- {'met' if g['met'] else 'NOT MET'}: {g['goal']} (ratio {g['ratio']:.2f}×)"
        for g in res["goals"]
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    res = run(args.cases, args.repeat)
    return report(markdown(res))


if __name__ == "__main__":
    sys.exit(main())
