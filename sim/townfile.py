"""A planner's own-town file: YAML read into a :class:`~sim.config.TownConfig`.

The reader is generic: it builds each dataclass (TownConfig, PlaceConfig, EdgeConfig,
ProviderConfig) from its field types, so a new field needs no code here. Every error is a
:class:`~sim.config.ConfigError` that names the file, the entry and, where the file has it, the
line, e.g. ``town.file[mytown.yaml].places[2].residents = 'many' is not allowed: a whole
number. In /home/me/mytown.yaml, line 14.``

Before anything is parsed the file must exist, be a file, be at most 5 MB and be UTF-8 text.
The YAML is composed into nodes first (which carry line numbers, and show duplicate keys that
PyYAML would silently drop), then turned into Python values and checked strictly: names must be
text (quote a number: ``'7'``), counts whole numbers, minutes finite numbers, flags true or
false, and no value may be null unless the field is optional.

OmegaConf's structured configs could do the typing, but their errors lose the list index of
the entry and accept strings for numbers and flags, so this small reader stays.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import re
import reprlib
import types
import typing
from pathlib import Path
from typing import Any

import yaml

from sim.config import ConfigError, TownConfig, validate

__all__ = ["MAX_TOWN_FILE_BYTES", "load_town_file"]

MAX_TOWN_FILE_BYTES = 5 * 1024 * 1024
"""A town file larger than this (5 MB) is refused before it is read; real ones are a few kB."""

_INT64 = 2**63
"""Whole numbers must fit in 64 bits (the model's arrays); larger ones are refused."""


def load_town_file(path: str | Path) -> TownConfig:
    """Read and validate a planner's own-town YAML (format: configs/town/example_own_town.yaml).

    Raises:
        ConfigError: naming the file, the offending entry and its line, before anything is
            simulated.
    """
    path = Path(path)
    where = f"town.file[{path.name}]"
    text = _read(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc) from None
    except RecursionError:
        raise ConfigError(
            "town.file",
            str(path),
            "YAML nested a few levels deep (a town file needs four), not thousands",
        ) from None
    if root is None:
        raise ConfigError(
            "town.file",
            str(path),
            "a YAML file with the town's name, places and edges",
            f"{path.resolve()} is empty. See configs/town/example_own_town.yaml.",
        )
    lines: dict[str, int] = {}
    try:
        _index_nodes(root, where, lines, set())
        try:
            raw = yaml.SafeLoader("").construct_document(root)
        except (yaml.YAMLError, TypeError, ValueError, OverflowError, RecursionError) as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            at = f" at line {mark.line + 1}" if mark else ""
            raise ConfigError(
                "town.file", str(path), f"valid YAML values (error{at}: {_problem(exc)})"
            ) from None
        return _town(raw, path, where)
    except ConfigError as err:
        raise _with_line(err, path, lines) from None


def _read(path: Path) -> str:
    """The file's text: it must exist, be a file, be at most 5 MB and be UTF-8."""
    try:
        if not path.exists():
            raise ConfigError(
                "town.file",
                str(path),
                "the path of an existing YAML file",
                f"Nothing found at {path.resolve()}.",
            )
        if path.is_dir():
            raise ConfigError(
                "town.file",
                str(path),
                "the path of a YAML file, not a folder",
                f"{path.resolve()} is a folder; name the town file inside it.",
            )
        if not path.is_file():
            raise ConfigError("town.file", str(path), "the path of a regular YAML file")
        size = path.stat().st_size
        if size > MAX_TOWN_FILE_BYTES:
            raise ConfigError(
                "town.file",
                str(path),
                f"a town file of at most {MAX_TOWN_FILE_BYTES / 2**20:.0f} MB",
                f"{path.resolve()} has {size / 2**20:.1f} MB; a town file describes a few places "
                "and links and takes a few kB.",
            )
        data = path.read_bytes()[: MAX_TOWN_FILE_BYTES + 1]
    except OSError as exc:
        raise ConfigError(
            "town.file", str(path), "a readable file", f"{exc.strerror or exc}."
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            "town.file",
            str(path),
            "a text file in UTF-8",
            f"Byte {data[exc.start : exc.start + 1]!r} at line {line} is not UTF-8; save the "
            "file as UTF-8 (umlauts such as ä, ö, ü and ß are fine in UTF-8).",
        ) from None


def _problem(exc: BaseException) -> str:
    return str(getattr(exc, "problem", None) or exc).strip()


def _yaml_error(path: Path, exc: yaml.YAMLError) -> ConfigError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return ConfigError("town.file", str(path), f"valid YAML (parse error{at}: {_problem(exc)})")


def _index_nodes(node: yaml.Node, here: str, lines: dict[str, int], seen: set[int]) -> None:
    """Record the line of every entry under its error path; refuse duplicate keys.

    A mapping entry is recorded both as ``here.key`` (fields) and ``here['key']`` (free
    mappings such as age_structure). Aliased nodes are walked once.
    """
    if id(node) in seen:
        return
    seen.add(id(node))
    lines.setdefault(here, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else repr(key.value)
            line = key.start_mark.line + 1
            if (
                isinstance(key, yaml.ScalarNode)
                and name in first
                and key.tag != "tag:yaml.org,2002:merge"
            ):
                raise ConfigError(
                    f"{here}.{name}",
                    name,
                    "each key once in a mapping",
                    f"{name!r} is given at line {first[name]} and again at line {line}; YAML "
                    "would silently keep only the last.",
                )
            first.setdefault(name, line)
            for child in (f"{here}.{name}", f"{here}[{name!r}]"):
                lines.setdefault(child, line)
            _index_nodes(value, f"{here}.{name}", lines, seen)

    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_nodes(item, f"{here}[{i}]", lines, seen)


_STEP = re.compile(r"(\.[^.\[]*|\[[^\]]*\])$")


def _with_line(err: ConfigError, path: Path, lines: dict[str, int]) -> ConfigError:
    """``err`` with 'In <file>, line N.' added, N the line of its entry (or its nearest parent)."""
    if err.field == "town.file":
        return err
    field = err.field
    while field and field not in lines:
        shorter = _STEP.sub("", field)
        if shorter == field:
            break
        field = shorter
    at = f", line {lines[field]}" if field in lines else ""
    hint = f"{err.hint} In {path.resolve()}{at}.".strip()
    return ConfigError(err.field, err.value, err.allowed, hint)


def _town(raw: Any, path: Path, where: str) -> TownConfig:
    if not isinstance(raw, dict):
        kind = "a list" if isinstance(raw, list) else f"{type(raw).__name__} {_shown(raw)!r}"
        raise ConfigError(
            where,
            _shown(raw),
            "a mapping with the keys name, region, places, edges and providers at the top",
            f"The file holds {kind}. See configs/town/example_own_town.yaml.",
        )
    if raw.get("file") is not None:
        raise ConfigError(
            f"{where}.file",
            _shown(raw["file"]),
            "null inside a town file (a town file cannot point to another)",
        )
    if "name" not in raw:
        raw = {**raw, "name": path.stem}  # a file without a name is named after the file
    town = _build(TownConfig, raw, where)
    if not town.places:  # (a TownConfig with only a name would stand for a built-in town)
        raise ConfigError(f"{where}.places", [], "a town needs at least one place")
    validate(town, where)
    town.source = where  # so later errors (e.g. too few dwellings) name the file
    return town


_SHORT = reprlib.Repr(maxlevel=3, maxlist=6, maxdict=6, maxstring=100, maxother=100)
"""Shortens values in messages without walking them whole (aliases can nest a YAML bomb)."""


def _shown(value: Any) -> Any:
    """``value`` for an error message: itself if short, else a shortened text of it."""
    if isinstance(value, list | dict | str):
        short = _SHORT.repr(value)
        return value if "..." not in short and len(short) <= 120 else short
    return value


def _build(cls: type, raw: Any, where: str) -> Any:
    """An instance of the dataclass ``cls`` from a YAML mapping, field by field."""
    names = [f.name for f in dataclasses.fields(cls)]
    if not isinstance(raw, dict):
        raise ConfigError(where, _shown(raw), f"a mapping with keys from {', '.join(names)}")
    for key in raw:
        if key not in names:
            raise ConfigError(
                f"{where}.{key}",
                _shown(raw[key]),
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
            raise ConfigError(where, _shown(value), _list_wanted(item, where, about))
        return [_value(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(where, _shown(value), "a mapping" + about)
        return {str(k): _value(args[1], v, f"{where}[{str(k)!r}]") for k, v in value.items()}
    if dataclasses.is_dataclass(kind):
        return _build(kind, value, where)
    if value is None:
        raise ConfigError(
            where, None, f"{_wanted(kind)}, not empty", "Give a value or leave the key out."
        )
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        if isinstance(value, str) and value in kind.__members__:
            return kind[value]
        raise ConfigError(where, _shown(value), f"one of {', '.join(m.name for m in kind)}")
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(where, _shown(value), "true or false")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(where, _shown(value), "a whole number", _bool_hint(value))
        if not -_INT64 <= value < _INT64:
            raise ConfigError(
                where, _shown(value), "a whole number below 2^63", "This is far too large."
            )
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(where, _shown(value), "a number", _bool_hint(value))
        if isinstance(value, int) and not -_INT64 <= value < _INT64:
            raise ConfigError(where, _shown(value), "a number below 2^63", "This is far too large.")
        if not math.isfinite(value):
            raise ConfigError(where, value, "a finite number (not .inf or .nan)")
        return value
    if kind is str:
        if not isinstance(value, str):
            hint = ""
            if isinstance(value, bool | int | float):
                hint = f"Put it in quotes if it is meant as a name: '{value}'."
            raise ConfigError(where, _shown(value), "a text (a name)", hint)
        return value
    raise TypeError(f"{where}: no reader for fields of type {kind!r}")


def _bool_hint(value: Any) -> str:
    if isinstance(value, bool):
        return "YAML reads yes, no, on, off, true and false as a flag, not a number."
    return ""


def _wanted(kind: Any) -> str:
    if kind is str:
        return "a text (a name)"
    if kind is int:
        return "a whole number"
    if kind is float:
        return "a number"
    if kind is bool:
        return "true or false"
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return f"one of {', '.join(m.name for m in kind)}"
    return "a value"


def _list_wanted(item: Any, where: str, about: str) -> str:
    """E.g. 'a list of places (name, kind, residents, dwellings, ...)'."""
    if item is str:
        return "a list of names" + about
    noun = where.rsplit(".", 1)[-1]
    keys = [f.name for f in dataclasses.fields(item)]
    shown = ", ".join(keys[:4]) + (", ..." if len(keys) > 4 else "")
    return f"a list of {noun} ({shown})"
