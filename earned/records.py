"""Plain record classes for the modules on the quick CLI path, without `dataclasses`.

Importing `dataclasses` imports `inspect` (with `ast`, `dis`, `tokenize`): about 6 ms of
the ~50 ms that `earned log` takes, more than anything else earned adds to a bare Python
start. `record` gives a class what those modules used from `@dataclass`: an `__init__`
taking the annotated fields in order (positional or by name, with defaults and
`field(default_factory=...)`), `__eq__` on the values, a readable `__repr__`, and for
`frozen=True` no assignment and a `__hash__`.

For mypy the modules import `dataclasses.dataclass` and `field` under TYPE_CHECKING, so
their classes are checked exactly as dataclasses are; tests/test_records.py holds this
implementation to the behaviour they rely on, compared with real dataclasses.
"""

from __future__ import annotations

# typing.TYPE_CHECKING without importing typing (~4 ms); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], Any]) -> Any:
    """A default made afresh for each record (a new list, say), as dataclasses.field."""
    return _Factory(default_factory)


def names_of(cls: type) -> tuple[str, ...]:
    """The record's field names, in declaration order (dataclasses.fields' names)."""
    names: tuple[str, ...] = cls.__record_fields__  # type: ignore[attr-defined]
    return names


def record(cls: type[T] | None = None, /, *, frozen: bool = False) -> Any:
    """Make `cls` a record (see the module docstring); use as @record or @record(frozen=True)."""

    def build(cls: type[T]) -> type[T]:
        # Not inspect.get_annotations: importing inspect is what this module avoids.
        names = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063
        defaults = {n: cls.__dict__[n] for n in names if n in cls.__dict__}
        for name, default in defaults.items():
            if isinstance(default, _Factory):
                delattr(cls, name)  # a shared mutable default must not linger on the class

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            if len(args) > len(names):
                raise TypeError(f"{cls.__name__}() takes {len(names)} fields, got {len(args)}")
            values = dict(zip(names, args, strict=False))
            for key, value in kwargs.items():
                if key not in names:
                    raise TypeError(f"{cls.__name__}() has no field {key!r}")
                if key in values:
                    raise TypeError(f"{cls.__name__}() got {key!r} twice")
                values[key] = value
            for name in names:
                if name in values:
                    continue
                if name not in defaults:
                    raise TypeError(f"{cls.__name__}() needs {name!r}")
                default = defaults[name]
                values[name] = default.make() if isinstance(default, _Factory) else default
            for name in names:
                object.__setattr__(self, name, values[name])

        def values_of(self: Any) -> tuple[Any, ...]:
            return tuple(getattr(self, n) for n in names)

        def __eq__(self: Any, other: object) -> bool:
            if other.__class__ is not self.__class__:
                return NotImplemented
            return bool(values_of(self) == values_of(other))

        def __repr__(self: Any) -> str:
            inside = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
            return f"{cls.__qualname__}({inside})"

        cls.__init__ = __init__  # type: ignore[method-assign]
        cls.__eq__ = __eq__  # type: ignore[method-assign]
        cls.__repr__ = __repr__  # type: ignore[method-assign]
        cls.__record_fields__ = names  # type: ignore[attr-defined]
        if frozen:

            def __setattr__(self: Any, name: str, value: Any) -> None:
                raise AttributeError(f"cannot assign to field {name!r} of a frozen record")

            def __delattr__(self: Any, name: str) -> None:
                raise AttributeError(f"cannot delete field {name!r} of a frozen record")

            cls.__setattr__ = __setattr__  # type: ignore[method-assign]
            cls.__delattr__ = __delattr__  # type: ignore[method-assign]
            cls.__hash__ = lambda self: hash(values_of(self))  # type: ignore[method-assign]
        else:
            cls.__hash__ = None  # type: ignore[assignment]  # mutable and compared by value
        return cls

    return build if cls is None else build(cls)


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record `obj` with `changes` (as dataclasses.replace)."""
    values = {n: getattr(obj, n) for n in names_of(type(obj))}
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(unknown)[0]!r}")
    values.update(changes)
    return type(obj)(**values)
