"""Deprecated: a decision shows itself in a notebook (``Decision._repr_html_``); these
functions remain for one release."""

from __future__ import annotations

import warnings

from atlier_policy.decision import Decision, OrderDecision

__all__ = ["decision_html", "order_html"]


def decision_html(d: Decision) -> str:
    """Deprecated: ``decision._repr_html_()``."""
    warnings.warn("display.decision_html is deprecated", DeprecationWarning, stacklevel=2)
    return d._repr_html_()


def order_html(od: OrderDecision) -> str:
    """Deprecated: ``order_decision._repr_html_()``."""
    warnings.warn("display.order_html is deprecated", DeprecationWarning, stacklevel=2)
    return od._repr_html_()
