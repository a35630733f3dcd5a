"""Laws of ``value_class``: on any declaration, a class that behaves as the frozen
slotted dataclass it replaces (construction and its errors, equality, hash, repr,
immutability, pickling, copying, ``replace``, ``fields`` and ``__match_args__``)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlier_policy._values import value_class

# A field: (kw_only, default kind, compare, hash, repr, init).
_FIELD = st.tuples(
    st.booleans(),
    st.sampled_from(["none", "value", "factory"]),
    st.booleans(),
    st.sampled_from([None, True, False]),
    st.booleans(),
    st.booleans(),
)
_VALUES = st.one_of(
    st.integers(-3, 3),
    st.text(max_size=2),
    st.just(Decimal("NaN")),  # equal to itself only as the same object in a tuple
    st.tuples(st.integers(0, 2)),
    st.lists(st.integers(0, 2), max_size=2),  # unhashable: hash must fail alike
)


def _declare(spec: list[tuple[Any, ...]], class_kw_only: bool) -> dict[str, Any]:
    """Class namespace and annotations for ``spec`` (an init=False field always has a
    default: dataclasses would leave it unset, as value_class does)."""
    ns: dict[str, Any] = {"__annotations__": {}, "__doc__": "A generated class."}
    for i, (kw_only, default, compare, hash_, repr_, init) in enumerate(spec):
        name = f"f{i}"
        ns["__annotations__"][name] = "object"
        if not init and default == "none":
            default = "value"
        options: dict[str, Any] = {
            "compare": compare,
            "hash": hash_,
            "repr": repr_,
            "init": init,
            "kw_only": kw_only or class_kw_only,
        }
        if default == "value":
            options["default"] = i
        elif default == "factory":
            options["default_factory"] = (lambda i=i: [i]) if i % 2 else tuple
        ns[name] = dataclasses.field(**options)
    return ns


def _pair(spec: list[tuple[Any, ...]], kw_only: bool, eq: bool) -> tuple[type, type] | None:
    """(value_class, reference dataclass) of one declaration; None when dataclasses
    refuses it, after checking that value_class refuses it with the same message."""
    try:
        ref = dataclasses.dataclass(frozen=True, slots=True, eq=eq, kw_only=kw_only)(
            type("Made", (), _declare(spec, kw_only))
        )
    except TypeError as exc:
        with pytest.raises(TypeError, match=str(exc).replace("'", ".")):
            value_class(kw_only=kw_only, eq=eq)(type("Made", (), _declare(spec, kw_only)))
        return None
    ours = value_class(kw_only=kw_only, eq=eq)(type("Made", (), _declare(spec, kw_only)))
    return ours, ref


def _outcome(call: Any) -> Any:
    try:
        return call()
    except TypeError as exc:
        return ("TypeError", str(exc))


@given(
    spec=st.lists(_FIELD, max_size=5),
    kw_only=st.booleans(),
    eq=st.booleans(),
    args=st.lists(_VALUES, max_size=6),
    kwargs=st.dictionaries(st.sampled_from(["f0", "f1", "f2", "f3", "f4", "f9"]), _VALUES),
    others=st.lists(_VALUES, min_size=6, max_size=6),
)
def test_a_value_class_behaves_as_its_frozen_dataclass(
    spec: list[tuple[Any, ...]],
    kw_only: bool,
    eq: bool,
    args: list[object],
    kwargs: dict[str, object],
    others: list[object],
) -> None:
    pair = _pair(spec, kw_only, eq)
    if pair is None:
        return
    ours, ref = pair
    assert [f.name for f in dataclasses.fields(ours)] == [f.name for f in dataclasses.fields(ref)]
    assert ours.__match_args__ == ref.__match_args__  # type: ignore[attr-defined]
    assert str(inspect.signature(ours)) == str(inspect.signature(ref))
    assert set(ours.__slots__) == set(ref.__slots__)  # type: ignore[attr-defined]
    got, want = _outcome(lambda: ours(*args, **kwargs)), _outcome(lambda: ref(*args, **kwargs))
    if isinstance(want, tuple):
        assert got == want  # the same TypeError, word for word
        return
    assert repr(got) == repr(want).replace("Made", "Made", 1)
    values = {f.name: getattr(want, f.name) for f in dataclasses.fields(ref)}
    assert {name: getattr(got, name) for name in values} == values
    # A second pair of instances, equal or not, compared and hashed as the dataclass's.
    init = {f.name: v for f, v in zip(dataclasses.fields(ref), others, strict=False) if f.init}
    got2, want2 = ours(**init), ref(**init)
    assert (got == got2, got != got2) == (want == want2, want != want2)
    assert (got == got, got.__eq__(object())) == (want == want, want.__eq__(object()))
    hashes = _outcome(lambda: (hash(got) == hash(got), hash(got) == hash(got2)))
    assert hashes == _outcome(lambda: (hash(want) == hash(want), hash(want) == hash(want2)))
    for name in values:
        with pytest.raises(
            dataclasses.FrozenInstanceError, match=f"cannot assign to field '{name}'"
        ):
            setattr(got, name, 0)
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field '{name}'"):
            delattr(got, name)
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.other = 1
    assert not hasattr(got, "__dict__")
    for twin in (copy.copy(got), copy.deepcopy(got), dataclasses.replace(got)):
        assert type(twin) is ours
        assert repr(twin) == repr(got)
        assert {name: getattr(twin, name) for name in values} == {
            name: getattr(got, name) for name in values
        } or any(v != v for v in values.values())


def test_a_value_class_pickles_as_the_dataclass_did() -> None:
    """Its pickled state is the frozen dataclass's (a list of field values), so a value
    pickled by a release before value_class loads into the new class."""
    ref = dataclasses.dataclass(frozen=True, slots=True)(
        type("Point", (), {"__annotations__": {"x": "int", "y": "int"}, "__module__": __name__})
    )
    ours = value_class()(
        type("Point", (), {"__annotations__": {"x": "int", "y": "int"}, "__module__": __name__})
    )
    assert ref(1, 2).__getstate__() == ours(1, 2).__getstate__() == [1, 2]
    global Point
    Point = ref
    old = pickle.dumps(ref(1, 2))
    Point = ours
    assert pickle.loads(old) == ours(1, 2)
    assert pickle.loads(pickle.dumps(ours(3, 4))) == ours(3, 4)


Point: type = object  # the pickled class's module-level name, set by the test above


def test_a_merchants_dataclass_subclass_pickles_its_own_fields() -> None:
    """A merchant's frozen dataclass subclass without slots inherits the pickled state:
    it holds the subclass's fields too (a rule's own setting survives being sent to a
    worker), and a subclass pickled before value_class loads whole."""
    base = value_class()(type("Base", (), {"__annotations__": {"a": "int"}}))
    sub = dataclasses.dataclass(frozen=True)(
        type("Sub", (base,), {"__annotations__": {"b": "int"}, "b": 99, "__module__": __name__})
    )
    global Sub
    Sub = sub
    made = sub(1, b=1)
    for twin in (pickle.loads(pickle.dumps(made)), copy.copy(made), copy.deepcopy(made)):
        assert (twin.a, twin.b) == (1, 1)
    old_base = dataclasses.dataclass(frozen=True, slots=True)(
        type("Base", (), {"__annotations__": {"a": "int"}})
    )
    Sub = dataclasses.dataclass(frozen=True)(
        type("Sub", (old_base,), {"__annotations__": {"b": "int"}, "b": 99, "__module__": __name__})
    )
    old = pickle.dumps(Sub(1, b=1))
    Sub = sub
    assert pickle.loads(old) == made


Sub: type = object  # the pickled class's module-level name, set by the test above


def test_the_methods_are_the_classes_own() -> None:
    """Each class's methods are its own objects, named as its own: pickle finds them by
    reference, and no class's name leaks into another's."""
    from atlier_policy.money import Money
    from atlier_policy.rules import Not

    for cls, name in ((Not, "__init__"), (Not, "__eq__"), (Money, "__setattr__")):
        method = getattr(cls, name)
        assert method.__qualname__ == f"{cls.__qualname__}.{name}"
        assert pickle.loads(pickle.dumps(method)) is method
    assert Not.__setattr__ is not Money.__setattr__


def test_equality_follows_the_pythons_dataclasses() -> None:
    """Before 3.13 dataclasses compare tuples (identity first: the same NaN is equal);
    3.13 compares field by field, giving the first falsy result. Both kinds, on any
    Python; the one in use is this Python's."""
    from atlier_policy import _values

    class Loose:
        def __eq__(self, other: object) -> Any:
            return "truthy"  # a field whose == is not a bool

    nan = Decimal("NaN")
    point = type("Point", (), {"x": 1, "y": nan, "z": Loose()})
    a, b = point(), point()
    by_tuple, by_field = _values._eq_by_tuple(("x", "y")), _values._eq_by_field(("x", "y"))
    assert (by_tuple(a, b), by_field(a, b)) == (True, False)
    assert by_field(a, a) is True  # the same object, as 3.13's dataclasses test first
    assert by_tuple(a, 1) is by_field(a, 1) is NotImplemented
    loose_tuple, loose_field = _values._eq_by_tuple(("x", "z")), _values._eq_by_field(("x", "z"))
    assert (loose_tuple(a, b), loose_field(a, b)) == (True, "truthy")
    assert _values._eq_by_field(())(a, b) is True
    ref = dataclasses.dataclass(frozen=True)(type("R", (), {"__annotations__": {"y": "object"}}))
    uses_fields = ref(nan) != ref(nan)
    assert _values._BY_FIELD is uses_fields


def test_a_class_keeps_the_methods_it_defines() -> None:
    """A written-out ``__init__`` or a custom ``__repr__``/``__eq__`` is kept; a class's
    own ``__eq__`` without a ``__hash__`` gets the fields' hash, as dataclasses give it,
    and a class's own ``__setattr__`` is refused as dataclasses refuse it."""

    @value_class()
    class Own:
        a: int

        def __init__(self, a: int) -> None:
            object.__setattr__(self, "a", a * 10)

        def __repr__(self) -> str:
            return "own"

        def __eq__(self, other: object) -> bool:
            return True

    assert (Own(1).a, repr(Own(1)), Own(1) == Own(2)) == (10, "own", True)
    assert hash(Own(1)) == hash((10,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        Own(1).a = 2  # type: ignore[misc]

    class Mutable:
        a: int

        def __setattr__(self, name: str, value: object) -> None:
            pass

    with pytest.raises(TypeError, match="Cannot overwrite attribute __setattr__ in class Mutable"):
        value_class()(Mutable)


def test_a_post_init_runs_after_every_field_is_set() -> None:
    seen: list[tuple[int, int]] = []

    @value_class(kw_only=True)
    class Checked:
        a: int
        b: int = 2

        def __post_init__(self) -> None:
            seen.append((self.a, self.b))

    Checked(a=1)
    assert seen == [(1, 2)]


def _value_classes() -> list[type]:
    """Every class of the package made by value_class."""
    import importlib
    import pkgutil
    import warnings

    import atlier_policy

    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(atlier_policy.__path__, "atlier_policy."):
        if info.name.rsplit(".", 1)[-1] in ("__main__", "_holidays"):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # jsonio: a deprecated name
            module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and obj.__module__ == module.__name__
                and "__dataclass_fields__" in obj.__dict__
            ):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


def _written_out(cls: type) -> bool:
    return bool(cls.__init__.__code__.co_filename != value_class.__code__.co_filename)


@pytest.mark.parametrize("cls", _value_classes(), ids=lambda c: c.__qualname__)
def test_a_written_out_init_takes_what_the_dataclass_would(cls: type) -> None:
    """A class whose ``__init__`` is written out (a hot path) takes the arguments, with
    the defaults, that dataclasses would generate from its fields, sets every field
    and runs ``__post_init__``: a field added without its argument fails here."""
    import inspect

    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert (params.frozen, params.init, params.repr) == (True, True, True)
    if not _written_out(cls):
        return
    spec = []
    for f in dataclasses.fields(cls):
        options: dict[str, Any] = {"init": f.init, "kw_only": f.kw_only}
        if f.default is not dataclasses.MISSING:
            options["default"] = f.default
        spec.append((f.name, object, dataclasses.field(**options)))
    ref = dataclasses.make_dataclass(cls.__name__, spec, frozen=True, slots=True)

    def shape(c: type) -> list[tuple[str, object, object]]:
        sig = inspect.signature(c.__init__)
        return [(p.name, p.kind, p.default) for p in sig.parameters.values()]

    assert shape(cls) == shape(ref)
    code = cls.__init__.__code__
    assert {f.name for f in dataclasses.fields(cls)} <= set(code.co_consts)
    assert ("__post_init__" in code.co_names) == hasattr(cls, "__post_init__")


def test_a_default_before_a_required_field_is_refused_as_dataclasses_refuse_it() -> None:
    ns = {"__annotations__": {"a": "int", "b": "int"}, "a": 1}
    with pytest.raises(TypeError) as want:
        dataclasses.dataclass(frozen=True, slots=True)(type("M", (), dict(ns)))
    with pytest.raises(TypeError) as got:
        value_class()(type("M", (), dict(ns)))
    assert str(got.value) == str(want.value)


def test_the_error_of_a_call_python_accepts_still_names_the_class() -> None:
    """The safety net of the call-error helper: a call it is handed by mistake gives a
    TypeError naming the class, not None."""
    from atlier_policy import _values

    made = value_class()(type("M", (), {"__annotations__": {"a": "int"}}))
    (a,) = dataclasses.fields(made)
    error = _values._call_error(made, (a,), (), (1,), {})
    _values._template()  # the stub's body: it does nothing
    assert str(error) == "M.__init__() refused a call Python accepts"


class Marker:
    """A name only this module defines: a value class's annotations refer to it."""


@value_class(kw_only=True)
class _Annotated:
    marker: Marker
    count: int = 0


def test_an_init_resolves_its_annotations_in_the_class_module() -> None:
    """As a dataclass's generated ``__init__``: its globals are the class's module, so
    ``typing.get_type_hints`` resolves the fields' string annotations there."""
    import typing

    assert typing.get_type_hints(_Annotated.__init__) == {
        "marker": Marker,
        "count": int,
        "return": type(None),
    }
    assert _Annotated(marker=Marker()).count == 0


def test_a_field_named_self_is_an_argument_like_any() -> None:
    made = value_class()(
        type("S", (), {"__annotations__": {"self": "int", "other": "int"}, "other": 0})
    )
    ref = dataclasses.dataclass(frozen=True, slots=True)(
        type("S", (), {"__annotations__": {"self": "int", "other": "int"}, "other": 0})
    )
    assert repr(made(self=1)) == repr(ref(self=1)) == "S(self=1, other=0)"
    assert repr(dataclasses.replace(made(1), other=2)) == "S(self=1, other=2)"
    assert str(inspect.signature(made)) == str(inspect.signature(ref))
    assert _outcome(lambda: made(1, self=2)) == _outcome(lambda: ref(1, self=2))


def test_an_initvar_is_refused_and_an_undocumented_class_documented() -> None:
    """value_class refuses what it does not support (an ``InitVar``) rather than build
    a class that fails when made; a class without a docstring gets the dataclass's."""
    with pytest.raises(TypeError, match="InitVar field, not supported"):
        value_class()(type("I", (), {"__annotations__": {"scale": dataclasses.InitVar[int]}}))
    ns = {
        "__annotations__": {"x": "int", "y": "list[int]"},
        "y": dataclasses.field(default_factory=list),
    }
    made = value_class()(type("Nodoc", (), dict(ns)))
    ref = dataclasses.dataclass(frozen=True, slots=True)(type("Nodoc", (), dict(ns)))
    assert made.__doc__ == ref.__doc__ == "Nodoc(x: 'int', y: 'list[int]' = <factory>)"


def test_a_class_of_no_loaded_module_still_gets_an_init() -> None:
    """A class made where no module is loaded under its ``__module__`` (a generated one)
    keeps the init's own globals: it is built and refuses a bad call all the same."""
    ns = {"__annotations__": {"a": int}, "__module__": "not.a.loaded.module"}
    made = value_class()(type("Loose", (), ns))
    assert made(1).a == 1
    with pytest.raises(TypeError, match=r"Loose.__init__\(\) missing 1 required"):
        made()
