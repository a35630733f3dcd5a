"""Frozen, slotted value classes whose methods are not generated at import.

``@dataclass(frozen=True, slots=True)`` compiles an ``__init__``, ``__repr__``,
``__eq__``, ``__hash__``, ``__setattr__`` and ``__delattr__`` for every class, from
source text, each time the module is imported: about 1.4 ms a class, most of the
library's start-up. :func:`value_class` makes the same class with dataclasses'
code generation switched off (``init``, ``repr``, ``eq`` and ``frozen`` off, so no
``exec``) and adds those six methods as closures over the class's fields.

The class is still a dataclass: ``dataclasses.fields``, ``replace``, ``asdict`` and
``__match_args__`` work as before. It behaves as the frozen dataclass it replaces:
equal and hashed by the same fields, the same ``repr``, ``FrozenInstanceError`` on
assignment, pickled as a list of field values. A class that defines one of these
methods itself keeps its own; one on the hot path writes out its ``__init__``.

>>> from dataclasses import field, replace
>>> @value_class(kw_only=True)
... class Pair:
...     left: int
...     right: int = 0
...     seen: list[int] = field(default_factory=list, compare=False, repr=False)
>>> p = Pair(left=1)
>>> p, p == Pair(left=1, seen=[5]), replace(p, right=2)
(Pair(left=1, right=0), True, Pair(left=1, right=2))
>>> p.left = 3
Traceback (most recent call last):
dataclasses.FrozenInstanceError: cannot assign to field 'left'
>>> Pair(1)
Traceback (most recent call last):
TypeError: Pair.__init__() takes 1 positional argument but 2 were given
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, fields
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, TypeVar, cast, dataclass_transform

__all__ = ["value_class"]

_C = TypeVar("_C", bound=type)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def value_class(*, kw_only: bool = False, eq: bool = True) -> Callable[[_C], _C]:
    """``@dataclass(frozen=True, slots=True, kw_only=..., eq=...)``, without its
    generated code (see the module). ``eq=False`` keeps identity equality and hash."""

    def make(cls: _C) -> _C:
        made = cast(
            _C, dataclass(slots=True, init=False, repr=False, eq=False, kw_only=kw_only)(cls)
        )
        _finish(made, eq)
        return made

    return make


def _finish(cls: type, eq: bool) -> None:
    every = fields(cls)
    own = cls.__dict__
    # The class's parameters say what it is, not how it was made: a merchant's frozen
    # dataclass may subclass it (dataclasses refuses a frozen subclass of a class whose
    # parameters say it is not frozen), and ``replace`` and introspection see the truth.
    params = own["__dataclass_params__"]  # this class's own, made for it alone
    params.init = params.repr = params.frozen = True
    params.eq = eq
    methods: dict[str, Callable[..., Any]] = {
        "__setattr__": _setattr,
        "__delattr__": _delattr,
        "__getstate__": _getstate(tuple(f.name for f in every)),
        "__setstate__": _setstate(tuple(f.name for f in every)),
        "__repr__": _repr(tuple(f.name for f in every if f.repr)),
    }
    if "__init__" not in own:
        methods["__init__"] = _init(cls, every)
    if eq:
        compared = _key(tuple(f.name for f in every if f.compare))
        methods["__eq__"] = _eq(compared)
        hashed = _key(tuple(f.name for f in every if (f.compare if f.hash is None else f.hash)))
        methods["__hash__"] = _hash(hashed)
    for name in ("__setattr__", "__delattr__"):
        if name in own:
            raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
    for name, method in methods.items():
        if name in own and not (name == "__hash__" and own[name] is None and "__eq__" in own):
            # The class's own (a written-out __init__, a custom __repr__); the None
            # Python puts beside a class's own __eq__ is replaced, as dataclasses do.
            continue
        method.__name__, method.__qualname__ = name, f"{cls.__qualname__}.{name}"
        type.__setattr__(cls, name, method)


def _key(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    # Always a tuple, as dataclasses compare: tuple comparison tests identity first,
    # so a field holding Decimal("NaN") is equal to itself, as it is in the dataclass.
    if len(names) > 1:
        return attrgetter(*names)
    if not names:
        return lambda self: ()
    one = attrgetter(names[0])
    return lambda self: (one(self),)


def _setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(names: tuple[str, ...]) -> Callable[[object], list[object]]:
    # The frozen dataclass's own pickled state (a list of every field's value), so
    # that values pickled before this module existed load into these classes.
    def getstate(self: object) -> list[object]:
        return [getattr(self, name) for name in names]

    return getstate


def _setstate(names: tuple[str, ...]) -> Callable[[object, list[object]], None]:
    def setstate(self: object, state: list[object]) -> None:
        for name, value in zip(names, state, strict=False):
            object.__setattr__(self, name, value)

    return setstate


def _repr(names: tuple[str, ...]) -> Callable[[object], str]:
    @recursive_repr()
    def repr_(self: object) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return repr_


def _eq(key: Callable[[object], tuple[object, ...]]) -> Callable[[object, object], Any]:
    def eq(self: object, other: object) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return eq


def _hash(key: Callable[[object], tuple[object, ...]]) -> Callable[[object], int]:
    def hash_(self: object) -> int:
        return hash(key(self))

    return hash_


def _init(cls: type, every: tuple[Field[Any], ...]) -> Callable[..., None]:
    """An ``__init__`` taking the arguments the dataclass's would, with its messages."""
    name = f"{cls.__qualname__}.__init__()"
    positional = tuple(f for f in every if f.init and not f.kw_only)
    keyword = tuple(f for f in every if f.init and f.kw_only)
    by_name = tuple((f.name, f.default, f.default_factory) for f in positional + keyword)
    # Fields that are not arguments but have a default are set as dataclasses set them.
    preset = tuple(
        (f.name, f.default, f.default_factory)
        for f in every
        if not f.init and (f.default is not MISSING or f.default_factory is not MISSING)
    )
    post_init = getattr(cls, "__post_init__", None) is not None
    n_pos = len(positional)
    n_required = 0
    for f in positional:
        if f.default is not MISSING or f.default_factory is not MISSING:
            continue
        if n_required < positional.index(f):
            # dataclasses checks this while writing the __init__ it is not writing here.
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
        n_required += 1
    n_fields = len(by_name)
    takes = f"{n_pos + 1}" if n_required == n_pos else f"from {n_required + 1} to {n_pos + 1}"

    def init(self: Any, *args: object, **kwargs: object) -> None:
        if len(args) > n_pos:
            raise _call_error(name, by_name, n_pos, takes, args, kwargs)
        put = object.__setattr__
        for (key, _, _), arg in zip(by_name, args, strict=False):
            put(self, key, arg)
        used = 0
        for i in range(len(args), n_fields):
            key, default, factory = by_name[i]
            given = kwargs.get(key, MISSING)
            if given is not MISSING:
                used += 1
            elif factory is not MISSING:
                given = factory()
            elif default is not MISSING:
                given = default
            else:
                raise _call_error(name, by_name, n_pos, takes, args, kwargs)
            put(self, key, given)
        if used != len(kwargs):  # an unknown name, or a positional one given twice
            raise _call_error(name, by_name, n_pos, takes, args, kwargs)
        for key, default, factory in preset:
            put(self, key, factory() if factory is not MISSING else default)
        if post_init:
            self.__post_init__()

    return init


def _call_error(
    name: str,
    by_name: tuple[tuple[str, object, object], ...],
    n_pos: int,
    takes: str,
    args: tuple[object, ...],
    kwargs: dict[str, object],
) -> TypeError:
    """The TypeError Python raises for this call of the dataclass's ``__init__``, in
    the order Python checks: keywords, then the count of positional arguments, then
    the missing positional and keyword-only arguments."""
    names = [key for key, _, _ in by_name]
    for key in kwargs:
        if key not in names:
            return TypeError(f"{name} got an unexpected keyword argument {key!r}")
        if names.index(key) < min(len(args), n_pos):
            return TypeError(f"{name} got multiple values for argument {key!r}")
    if len(args) > n_pos:
        kw_given = sum(1 for key in kwargs if names.index(key) >= n_pos)
        also = f" positional argument{_s(len(args) + 1)} (and {kw_given} keyword-only "
        also += f"argument{_s(kw_given)})" if kw_given else ""
        return TypeError(
            f"{name} takes {takes} positional argument{_s(n_pos + 1)} but {len(args) + 1}"
            f"{also if kw_given else ''} were given"
        )
    absent = [
        key
        for i, (key, default, factory) in enumerate(by_name)
        if i >= len(args) and key not in kwargs and default is MISSING and factory is MISSING
    ]
    first = [key for key in absent if names.index(key) < n_pos]
    kind = "positional" if first else "keyword-only"
    shown = [repr(key) for key in first or absent]
    count = len(shown)
    listed = " and ".join(shown) if count < 3 else ", ".join(shown[:-1]) + ", and " + shown[-1]
    return TypeError(f"{name} missing {count} required {kind} argument{_s(count)}: {listed}")


def _s(count: int) -> str:
    return "s" * (count != 1)
