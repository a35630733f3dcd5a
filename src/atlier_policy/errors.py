"""The exceptions of atlier_policy.

Business refusals are *decisions*, never exceptions. Exceptions are raised only
for bad input and for programming errors, and every one the library raises on
purpose derives from :class:`AtlierPolicyError`::

    AtlierPolicyError
    ├── InputError (also ValueError)          bad input: names the field, what
    │   │                                     was expected and what was given
    │   └── DateOutOfRangeError               a date outside the years the
    │                                         holiday data covers
    └── PolicyDefinitionError (also ValueError)
                                              a policy or rule built wrongly
                                              (e.g. ``rule_a and rule_b``)

A document in an old form is read with a :class:`DeprecatedFormWarning`, a warning, not
an error; where warnings are made errors (``-W error``), it is refused as bad input.

Messages are one line: ``context: `field` must be <expected> (got <given>)``. Every
part of a problem is escaped with :func:`~atlier_policy.strings.one_line` as the error is
built, so neither ``problems`` nor the message can hold a control character, a line
separator or a lone surrogate, whatever key or value was given. A message names at most
``MAX_PROBLEMS_SHOWN`` problems and counts the others; ``problems`` holds them all.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping

from atlier_policy.limits import MAX_PROBLEMS_SHOWN
from atlier_policy.strings import one_line

__all__ = [
    "AtlierPolicyError",
    "DateOutOfRangeError",
    "DeprecatedFormWarning",
    "InputError",
    "PolicyDefinitionError",
    "refused_form",
    "warn_deprecated",
]


class DeprecatedFormWarning(DeprecationWarning):
    """A document given in a form the next release refuses (a renamed key, a nested
    form): still read, with this warning. Raised as an error (``-W error``), it is the
    document's problem, reported as bad input, not as a bug."""


def refused_form(warning: DeprecatedFormWarning) -> InputError:
    """The input error a deprecated form stands for when warnings are errors (``-W
    error``): the document's problem, reported as any other (not as a bug). The
    warning's advice, what to write instead, is kept whole.

    >>> for part in refused_form(DeprecatedFormWarning("flags renamed (a -> b)")).problems[0]:
    ...     print(part)
    (document)
    its current form: flags renamed (a -> b)
    an old form (warnings are errors here)
    """
    return InputError(
        (
            (
                "(document)",
                f"its current form: {warning}",
                "an old form (warnings are errors here)",
            ),
        ),
        "case",
    )


def warn_deprecated(message: str) -> None:
    """A ``DeprecationWarning`` attributed to the first caller outside this package (and
    the import machinery): the line to change, which Python's default filters then show
    when it is a script's own."""
    level, frame = 2, sys._getframe(1)
    while frame.f_back is not None and _internal(frame):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, DeprecationWarning, stacklevel=level)


def _internal(frame: object) -> bool:
    name = getattr(frame, "f_globals", {}).get("__name__", "")
    code = getattr(frame, "f_code", None)
    return (
        name == "atlier_policy"
        or name.startswith("atlier_policy.")
        or getattr(code, "co_filename", "").startswith("<frozen importlib")
    )


class AtlierPolicyError(Exception):
    """Base class of every exception atlier_policy raises on purpose."""


def _shown(value: object) -> str:
    """Quote a user-given value for a message, kept short (escaped by :class:`InputError`)."""
    if isinstance(value, int) and value.bit_length() > 256:
        # repr() of an integer past Python's digit limit raises; its size is what matters.
        text = f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    else:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class InputError(AtlierPolicyError, ValueError):
    """A fact or parameter is malformed; the message names the field.

    ``problems`` holds every ``(field, expected, given)`` found, so a document
    with several mistakes reports all of them at once.

    >>> err = InputError.single("delivered_at", "a timezone-aware datetime", "2025-03-03T10:00")
    >>> str(err)
    "`delivered_at` must be a timezone-aware datetime (got '2025-03-03T10:00')"
    """

    problems: tuple[tuple[str, str, str], ...]
    context: str

    def __init__(self, problems: tuple[tuple[str, str, str], ...], context: str = "") -> None:
        problems = tuple((one_line(f), one_line(e), one_line(g)) for f, e, g in problems)
        context = one_line(context)
        self.problems = problems
        self.context = context
        parts = [
            f"`{field}` must be {expected} (got {given})"
            for field, expected, given in problems[:MAX_PROBLEMS_SHOWN]
        ]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            more = len(problems) - MAX_PROBLEMS_SHOWN
            parts.append(f"and {more} more problem" + ("" if more == 1 else "s"))
        message = "; ".join(parts)
        super().__init__(f"{context}: {message}" if context else message)

    @classmethod
    def single(cls, field: str, expected: str, given: object, context: str = "") -> InputError:
        """One problem; ``given`` is the offending value, quoted in the message."""
        return cls(((field, expected, _shown(given)),), context)

    def renamed(self, names: Mapping[str, str], context: str = "") -> InputError:
        """The same problems, each field as ``names`` calls it (the caller's name for it: a
        term, a command-line option), under ``context``."""
        return InputError(tuple((names.get(f, f), e, g) for f, e, g in self.problems), context)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.problems, self.context))


def error_text(exc: BaseException) -> str:
    """One line saying why something gave no result: our error's message, or a bug named
    as such (its type and message), for a record or a log that must not raise."""
    if isinstance(exc, AtlierPolicyError):
        return one_line(str(exc))
    return one_line(f"internal error: {type(exc).__name__}: {exc}")


class DateOutOfRangeError(InputError):
    """A date lies outside the years the calendar's holiday data covers."""


class PolicyDefinitionError(AtlierPolicyError, ValueError):
    """A policy, clause or rule was put together wrongly (a programming error)."""
