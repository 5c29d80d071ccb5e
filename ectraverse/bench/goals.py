"""The goal table: each op's goals (:attr:`ectraverse.bench.ops.Op.goals`) against the measured rows.

It informs, it never fails a run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ectraverse.bench.ops import ANY, CURVES, OPS, Goal, Op
from ectraverse.bench.units import fmt_us, sig, sig3

__all__ = ["evaluate", "measured_text"]


def _find(results: list[dict[str, Any]], impl: str, curve: str, op: str, size: int | None) -> dict[str, Any] | None:
    for r in results:
        if (r["impl"], r["curve"], r["op"]) == (impl, curve, op) and (size == ANY or r["size"] == size) \
                and "error" not in r:
            return r
    return None


def _listed_on(goal: Goal, op: Op, curve: str, results: list[dict[str, Any]]) -> bool:
    if goal.curves is not None:
        return curve in goal.curves
    layer_curves = op.default_curves
    return (layer_curves is None or curve in layer_curves
            or any(r["curve"] == curve and OPS[r["op"]].layer == op.layer for r in results))


def _name(impl: str, curve: str, op: str, size: int | None) -> str:
    return f"{impl} {curve} {OPS[op].label_of(None if size == ANY else size)}"


def evaluate(results: list[dict[str, Any]], curves: Sequence[str] = CURVES) -> list[dict[str, Any]]:
    """One row per goal listed on ``curves``, curve by curve, op by op (report order).

    Args:
        results: the result rows of the run.
        curves: the curves of the run.

    Returns:
        Rows with ``goal``, ``kind`` (``"ratio"``: ``value`` = ``ratio`` = the time over the
        comparison's time; ``"us_per_op"``: ``value`` = µs per operation, ``ratio`` None;
        ``"field"``: ``value`` = the row's field, in ``unit``),
        ``target``, ``target_text``, ``value``, ``ratio``, ``status`` (pass, fail, or n.a.
        when not measured) and ``detail``.
    """
    out = []
    for curve in (c for c in CURVES if c in curves):
        for op in OPS.values():
            for g in op.goals:
                if _listed_on(g, op, curve, results):
                    out.append(_row(g, op, curve, results))
    return out


def _row(g: Goal, op: Op, curve: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    row: dict[str, Any] = {"goal": g.text.format(curve=curve, size=g.size), "kind": g.kind, "target": g.target,
                           "target_text": g.target_text, "unit": g.unit, "value": None, "ratio": None, "status": "n.a.",
                           "detail": ""}
    num = _find(results, "ectraverse", curve, op.name, g.size)
    missing = [] if num is not None else [_name("ectraverse", curve, op.name, g.size)]
    if num is not None and g.field is not None:
        if num.get(g.field) is None:
            missing.append(f"{g.field} of {_name(num['impl'], num['curve'], num['op'], num['size'])}")
        else:
            num = {**num, "us_per_op": num[g.field]}
    den_us = None
    if g.vs is not None:
        den = _find(results, g.vs[0], curve, g.vs[1], g.vs[2])
        if den is None:
            missing.append(_name(g.vs[0], curve, g.vs[1], g.vs[2]))
        else:
            den_us = den["us_per_op"]
    elif g.vs_field is not None and num is not None:
        den_us = num.get(g.vs_field)
        if den_us is None:
            missing.append(f"{g.vs_field} of {_name(num['impl'], num['curve'], num['op'], num['size'])}")
    if g.value_field is not None and num is not None and num.get(g.value_field) is None:
        missing.append(f"{g.value_field} of {_name(num['impl'], num['curve'], num['op'], num['size'])}")
    why = g.unless(num) if num is not None and g.unless is not None else None
    if missing:
        row["detail"] = "not measured: " + "; ".join(missing)
    elif why is not None:
        row["detail"] = f"not judged: {why}"
    elif g.value_field is not None:
        value = num[g.value_field]
        row.update(value=value, status="pass" if value <= g.target else "fail", detail=f"{sig3(value)} {g.unit}")
    elif den_us is None:
        us = num["us_per_op"]
        row.update(value=us, status="pass" if us <= g.target else "fail", detail=f"{fmt_us(us)} per op")
    else:
        ratio = num["us_per_op"] / den_us
        speed = f"{sig3(1 / ratio)}× faster" if ratio <= 1 else f"{sig3(ratio)}× slower"
        row.update(value=ratio, ratio=ratio, status="pass" if ratio <= g.target else "fail",
                   detail=f"{fmt_us(num['us_per_op'])} vs {fmt_us(den_us)} ({speed})")
    if not missing and g.size == ANY and num.get("size") is not None:  # judged at the size that ran: say which
        size, full = num["size"], op.sizes.full if op.sizes is not None else ()
        row["detail"] += f"; at {size:,} {op.size_unit}s" + (f", not the full run's {full[0]:,}" if full and size not in full
                                                      else "")
    return row


def measured_text(goal: dict[str, Any]) -> str:
    """A goal row's measured value, with the significant digits (at least 3) that put it on the side
    of the target its status says: a failing 0.02004 against 1/50 shows as 0.02004, not 0.0200.

    Example:
        >>> measured_text({"value": 0.02004, "target": 1 / 50, "kind": "ratio"})
        '0.02004'
    """
    value, target = goal["value"], goal["target"]
    if value is None:
        return "—"
    digits = 3
    while digits < 17 and math.isfinite(value) and (float(f"{value:.{digits - 1}e}") <= target) != (value <= target):
        digits += 1
    if goal["kind"] == "us_per_op":
        return fmt_us(value, digits)
    return f"{sig(value, digits)} {goal['unit']}" if goal["kind"] == "field" else sig(value, digits)
