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

import sys
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, fields
from inspect import Parameter, Signature
from operator import attrgetter
from reprlib import recursive_repr
from types import FunctionType
from typing import Any, TypeVar, cast, dataclass_transform

__all__ = ["value_class"]

_C = TypeVar("_C", bound=type)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def value_class(*, kw_only: bool = False, eq: bool = True) -> Callable[[_C], _C]:
    """``@dataclass(frozen=True, slots=True, kw_only=..., eq=...)``, without its
    generated code (see the module). ``eq=False`` keeps identity equality and hash."""

    def make(cls: _C) -> _C:
        documented = bool(cls.__doc__)  # dataclasses writes a doc from the bare class
        made = cast(
            _C, dataclass(slots=True, init=False, repr=False, eq=False, kw_only=kw_only)(cls)
        )
        _finish(made, eq, documented)
        return made

    return make


def _finish(cls: type, eq: bool, documented: bool) -> None:
    every = fields(cls)
    own = cls.__dict__
    pseudo = [f for f in own["__dataclass_fields__"].values() if f not in every]
    if any("InitVar" in str(f.type) for f in pseudo):  # the others are ClassVars
        raise TypeError(f"value_class: {cls.__name__} has an InitVar field, not supported")
    # The class's parameters say what it is, not how it was made: a merchant's frozen
    # dataclass may subclass it (dataclasses refuses a frozen subclass of a class whose
    # parameters say it is not frozen), and ``replace`` and introspection see the truth.
    params = own["__dataclass_params__"]  # this class's own, made for it alone
    params.init = params.repr = params.frozen = True
    params.eq = eq
    methods: dict[str, Callable[..., Any]] = {
        "__setattr__": _setattr(),
        "__delattr__": _delattr(),
        "__getstate__": _getstate(),
        "__setstate__": _setstate(),
        "__repr__": _repr(tuple(f.name for f in every if f.repr)),
    }
    if "__init__" not in own:
        methods["__init__"] = _init(cls, every, documented)
    if eq:
        methods["__eq__"] = _eq(tuple(f.name for f in every if f.compare))
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
        # Named as the class's own, so that pickle finds it by reference (Cls.__eq__).
        method.__name__, method.__qualname__ = name, f"{cls.__qualname__}.{name}"
        method.__module__ = cls.__module__
        type.__setattr__(cls, name, method)


def _key(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    # Always a tuple, as dataclasses hash (and compare, before 3.13).
    if len(names) > 1:
        return attrgetter(*names)
    if not names:
        return lambda self: ()
    one = attrgetter(names[0])
    return lambda self: (one(self),)


# Python 3.13's dataclasses compare field by field (``a == b and ...``) and name both
# fields of a misplaced default; earlier ones compare tuples, which test identity first
# (a field holding Decimal("NaN") is equal to itself there, not in 3.13).
_BY_FIELD = sys.version_info >= (3, 13)


def _setattr() -> Callable[[object, str, object], None]:
    def setattr_(self: object, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    return setattr_


def _delattr() -> Callable[[object, str], None]:
    def delattr_(self: object, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    return delattr_


def _getstate() -> Callable[[Any], list[object]]:
    # The frozen dataclass's own pickled state: every field's value, the fields read
    # from the instance's class, so that a merchant's dataclass subclass without
    # slots (which inherits this) keeps its own fields, and values pickled before this
    # module existed load into these classes.
    def getstate(self: Any) -> list[object]:
        return [getattr(self, f.name) for f in fields(self)]

    return getstate


def _setstate() -> Callable[[Any, list[object]], None]:
    def setstate(self: Any, state: list[object]) -> None:
        for f, value in zip(fields(self), state, strict=False):
            object.__setattr__(self, f.name, value)

    return setstate


def _repr(names: tuple[str, ...]) -> Callable[[object], str]:
    @recursive_repr()
    def repr_(self: object) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return repr_


def _eq(names: tuple[str, ...]) -> Callable[[object, object], Any]:
    return (_eq_by_field if _BY_FIELD else _eq_by_tuple)(names)


def _eq_by_tuple(names: tuple[str, ...]) -> Callable[[object, object], Any]:
    key = _key(names)

    def eq(self: object, other: object) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return eq


def _eq_by_field(names: tuple[str, ...]) -> Callable[[object, object], Any]:
    def eq(self: object, other: object) -> Any:
        if self is other:  # 3.13's own first test: a NaN field's value is itself here
            return True
        if other.__class__ is not self.__class__:
            return NotImplemented
        same: Any = True
        for name in names:  # "a == a2 and b == b2": the first falsy result, or the last
            same = getattr(self, name) == getattr(other, name)
            if not same:
                break
        return same

    return eq


def _hash(key: Callable[[object], tuple[object, ...]]) -> Callable[[object], int]:
    def hash_(self: object) -> int:
        return hash(key(self))

    return hash_


class _Factory:
    """The default shown for a field with a factory, as dataclasses shows it."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _init(cls: type, every: tuple[Field[Any], ...], documented: bool) -> Callable[..., None]:
    """An ``__init__`` taking the arguments the dataclass's would."""
    # MISSING and refuse are closure variables, not globals: init is made again below
    # with the class's module as its globals, where those names do not exist.
    from dataclasses import MISSING

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
    n_pos, n_fields = len(positional), len(by_name)
    last_default: Field[Any] | None = None
    for f in positional:
        if f.default is not MISSING or f.default_factory is not MISSING:
            last_default = f
        elif last_default is not None:
            # dataclasses checks this while writing the __init__ it is not writing here.
            also = f" {last_default.name!r}" if _BY_FIELD else ""
            raise TypeError(f"non-default argument {f.name!r} follows default argument{also}")

    refuse = _call_error

    # self is positional-only, so that a field named "self" is an argument like any.
    def init(self: Any, /, *args: object, **kwargs: object) -> None:
        if len(args) > n_pos:
            raise refuse(cls, positional, keyword, args, kwargs)
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
                raise refuse(cls, positional, keyword, args, kwargs)
            put(self, key, given)
        if used != len(kwargs):  # an unknown name, or a positional one given twice
            raise refuse(cls, positional, keyword, args, kwargs)
        for key, default, factory in preset:
            put(self, key, factory() if factory is not MISSING else default)
        if post_init:
            self.__post_init__()

    # What inspect.signature, help() and editors show: the dataclass's own signature.
    self_name = "__dataclass_self__" if "self" in {f.name for f in every} else "self"
    kind = Parameter.POSITIONAL_OR_KEYWORD
    shown = [Parameter(self_name, kind)]
    for f in positional + keyword:
        default = _FACTORY if f.default_factory is not MISSING else f.default
        shown.append(
            Parameter(
                f.name,
                Parameter.KEYWORD_ONLY if f.kw_only else kind,
                default=Parameter.empty if default is MISSING else default,
                annotation=f.type,
            )
        )
    # Made again with the class's module as its globals, as dataclasses makes its own:
    # typing.get_type_hints resolves the fields' annotations there.
    module = sys.modules.get(cls.__module__)
    if module is not None:
        init = FunctionType(init.__code__, vars(module), "init", None, init.__closure__)
    signature = Signature(shown, return_annotation=None)
    init.__signature__ = signature  # type: ignore[attr-defined]
    init.__annotations__ = {f.name: f.type for f in positional + keyword} | {"return": None}
    if not documented:  # as dataclasses documents an undocumented class
        text = str(signature.replace(parameters=shown[1:])).replace(" -> None", "")
        cls.__doc__ = cls.__name__ + text
    return init


def _template() -> None:
    """The body of the stub :func:`_call_error` calls: its parameters are replaced."""


def _call_error(
    cls: type,
    positional: tuple[Field[Any], ...],
    keyword: tuple[Field[Any], ...],
    args: tuple[object, ...],
    kwargs: dict[str, object],
) -> TypeError:
    """Python's own TypeError for this call of the dataclass's ``__init__``, in this
    Python's words (3.13's "Did you mean" included). The call is made on a stub: the
    empty :func:`_template` given the dataclass's parameters (names, kinds, which have
    defaults), made only now, as a bad call is rare. No source is compiled."""

    def has_default(f: Field[Any]) -> bool:
        return f.default is not MISSING or f.default_factory is not MISSING

    names = tuple(f.name for f in positional + keyword)
    self_name = "__dataclass_self__" if "self" in names else "self"
    name = f"{cls.__qualname__}.__init__"
    code = _template.__code__.replace(
        co_argcount=1 + len(positional),
        co_kwonlyargcount=len(keyword),
        co_varnames=(self_name, *names),
        co_nlocals=1 + len(names),
        co_name="__init__",
        co_qualname=name,
    )
    stub = FunctionType(code, {})
    stub.__qualname__ = name
    stub.__defaults__ = (None,) * sum(map(has_default, positional)) or None
    stub.__kwdefaults__ = {f.name: None for f in keyword if has_default(f)} or None
    try:
        stub(None, *args, **kwargs)
    except TypeError as exc:
        return exc.with_traceback(None)  # raised by the __init__ alone, not the stub
    return TypeError(f"{name}() refused a call Python accepts")
