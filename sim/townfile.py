"""A planner's own-town file: YAML read into a :class:`~sim.config.TownConfig`.

The reader is generic: it builds each dataclass (TownConfig, PlaceConfig, EdgeConfig,
ProviderConfig) from its field types, so a new field needs no code here. Every error is a
:class:`~sim.config.ConfigError` that names the file and the entry, e.g.
``town.file[mytown.yaml].places[2].residents = 'many' is not allowed: a whole number.``

OmegaConf's structured configs could do the typing, but their errors lose the list index of
the entry and accept strings for numbers and flags, so this small reader stays.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from pathlib import Path
from typing import Any

import yaml

from sim.config import ConfigError, TownConfig, validate

__all__ = ["load_town_file"]


def load_town_file(path: str | Path) -> TownConfig:
    """Read and validate a planner's own-town YAML (format: configs/town/example_own_town.yaml).

    Raises:
        ConfigError: naming the file and the offending entry, before anything is simulated.
    """
    path = Path(path)
    where = f"town.file[{path.name}]"
    if not path.is_file():
        raise ConfigError(
            "town.file",
            str(path),
            "the path of an existing YAML file",
            f"Nothing found at {path.resolve()}.",
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(
            "town.file", str(path), f"valid YAML (parse error{at}: {getattr(exc, 'problem', exc)})"
        ) from exc
    if isinstance(raw, dict) and raw.get("file") is not None:
        raise ConfigError(
            f"{where}.file",
            raw["file"],
            "null inside a town file (a town file cannot point to another)",
        )
    if isinstance(raw, dict) and "name" not in raw:
        raw = {**raw, "name": path.stem}  # a file without a name is named after the file
    town = _build(TownConfig, raw, where)
    if not town.places:  # (a TownConfig with only a name would stand for a built-in town)
        raise ConfigError(f"{where}.places", [], "a town needs at least one place")
    validate(town, where)
    town.source = where  # so later errors (e.g. too few dwellings) name the file
    return town


def _build(cls: type, raw: Any, where: str) -> Any:
    """An instance of the dataclass ``cls`` from a YAML mapping, field by field."""
    names = [f.name for f in dataclasses.fields(cls)]
    if not isinstance(raw, dict):
        raise ConfigError(where, raw, f"a mapping with keys from {', '.join(names)}")
    for key in raw:
        if key not in names:
            raise ConfigError(
                f"{where}.{key}",
                raw[key],
                f"one of the keys {', '.join(names)}",
                "Check the spelling.",
            )
    for name, allowed in getattr(cls, "REQUIRED_IN_FILE", {}).items():
        if name not in raw:
            raise ConfigError(f"{where}.{name}", None, allowed)
    hints = typing.get_type_hints(cls)
    docs = {f.name: f.metadata.get("doc", "") for f in dataclasses.fields(cls)}
    kwargs = {name: _value(hints[name], raw[name], f"{where}.{name}", docs[name]) for name in raw}
    return cls(**kwargs)


def _value(kind: Any, value: Any, where: str, doc: str = "") -> Any:
    """``value`` checked against (and, for enums and nested entries, converted to) ``kind``.

    ``doc`` (the field's doc) explains in the error what a list of names or a mapping holds.
    """
    about = f" ({doc})" if doc else ""
    args = typing.get_args(kind)
    if typing.get_origin(kind) in (typing.Union, types.UnionType):  # X | None
        if value is None:
            return None
        (kind,) = (a for a in args if a is not type(None))
        args = typing.get_args(kind)
    origin = typing.get_origin(kind)
    if origin is list:
        (item,) = args
        if value is None:
            return []
        if not isinstance(value, list):
            raise ConfigError(where, value, _list_wanted(item, where, about))
        return [_value(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(where, value, "a mapping" + about)
        return {str(k): _value(args[1], v, f"{where}[{str(k)!r}]") for k, v in value.items()}
    if dataclasses.is_dataclass(kind):
        return _build(kind, value, where)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind[str(value)]
        except KeyError:
            raise ConfigError(where, value, f"one of {', '.join(m.name for m in kind)}") from None
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(where, value, "true or false")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(where, value, "a whole number")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(where, value, "a number")
        return value
    if kind is str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ConfigError(where, value, "a text")
        return str(value)
    raise TypeError(f"{where}: no reader for fields of type {kind!r}")


def _list_wanted(item: Any, where: str, about: str) -> str:
    """E.g. 'a list of places (name, kind, residents, dwellings, ...)'."""
    if item is str:
        return "a list of names" + about
    noun = where.rsplit(".", 1)[-1]
    keys = [f.name for f in dataclasses.fields(item)]
    shown = ", ".join(keys[:4]) + (", ..." if len(keys) > 4 else "")
    return f"a list of {noun} ({shown})"
