"""The parameter table: every parameter with default, range, unit, role and source.

Printed by ``python -m sim.config [--format csv|markdown]`` and written into docs/ODD.md §7.12
(``python -m sim.config --write-odd``; a test checks the two agree).
"""

from __future__ import annotations

import csv
import enum
import io
import json
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import Any

from sim.config.civic import INITIATIVE_SOURCES
from sim.config.param import Sourced
from sim.config.root import Config
from sim.config.services import SERVICE_SOURCES

CSV_COLUMNS = (
    "path",
    "default",
    "min",
    "max",
    "unit",
    "role",
    "source",
    "explore_min",
    "explore_max",
)
"""Columns of ``python -m sim.config --format csv``."""

KIND_SOURCES: dict[str, dict[str, dict[str, Sourced]]] = {
    "services": SERVICE_SOURCES,
    "civic": INITIATIVE_SOURCES,
}
"""Per-kind sources and roles: group -> kind -> field -> (source, role)."""


def _defaults() -> Config:
    """A Config with every default, built without validation (the default town is empty)."""
    node = Config.__new__(Config)
    for f in fields(Config):
        setattr(
            node, f.name, f.default_factory() if f.default_factory is not MISSING else f.default
        )
    return node


def parameter_table(node: Any = None, path: str = "") -> list[dict[str, Any]]:
    """Every scalar parameter with its default, unit, range, role and source.

    Town values (inputs per archetype), output switches and the policy's name are left out.
    """
    if node is None:
        node = _defaults()
    rows = []
    for f in fields(node):
        value = getattr(node, f.name)
        here = f"{path}.{f.name}" if path else f.name
        if here.startswith("town") or here.startswith("output") or here == "policy.name":
            continue  # town values are inputs per archetype; output is not a model parameter
        if is_dataclass(value):
            rows.extend(parameter_table(value, here))
            continue
        meta = f.metadata
        source, role = meta["source"], meta["role"]
        parts = here.split(".")
        if len(parts) == 3 and parts[0] in KIND_SOURCES:
            own = KIND_SOURCES[parts[0]].get(parts[1], {}).get(parts[2])
            if own is not None:
                source, role = own.source, own.role
        allowed = []
        if meta["min"] is not None:
            allowed.append(f"{'>' if meta['exclusive_min'] else '>='} {meta['min']}")
        if meta["max"] is not None:
            allowed.append(f"<= {meta['max']}")
        explore = meta.get("explore")
        if explore is not None:
            allowed.append(f"explored {explore[0]}–{explore[1]}")
        rows.append(
            {
                "parameter": here,
                "default": value.value if isinstance(value, enum.Enum) else value,
                "min": meta["min"],
                "max": meta["max"],
                "exclusive_min": meta["exclusive_min"],
                "explore": explore,
                "unit": meta["unit"],
                "allowed": ", ".join(allowed),
                "role": role,
                "source": source,
                "meaning": meta["doc"],
                "module": type(node).__module__,
            }
        )
    return rows


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def csv_table() -> str:
    """The parameter table as CSV with the columns :data:`CSV_COLUMNS`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in parameter_table():
        writer.writerow(
            [
                r["parameter"],
                _csv_value(r["default"]),
                _csv_value(r["min"]),
                _csv_value(r["max"]),
                r["unit"],
                r["role"],
                r["source"],
                _csv_value(r["explore"][0] if r["explore"] else None),
                _csv_value(r["explore"][1] if r["explore"] else None),
            ]
        )
    return out.getvalue()


def markdown_table() -> str:
    """The parameter table as Markdown (docs/ODD.md section 7)."""
    rows = parameter_table()
    lines = [
        "| parameter | default | unit | allowed | role | meaning | source / status |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        default = r["default"]
        if isinstance(default, dict) and all(not isinstance(v, dict) for v in default.values()):
            default = ", ".join(f"{k}: {v}" for k, v in default.items())
        elif isinstance(default, dict):
            default = f"see `{r['module'].replace('.', '/')}.py`"
        elif default is None:
            default = "–"
        lines.append(
            f"| `{r['parameter']}` | {default} | {r['unit']} | {r['allowed']} | {r['role']} | {r['meaning']} | {r['source']} |"
        )
    return "\n".join(lines)


ODD_TABLE_START = "<!-- parameter-table:start (generated by: python -m sim.config --write-odd) -->"
ODD_TABLE_END = "<!-- parameter-table:end -->"


def write_odd_table(path: str = "docs/ODD.md") -> None:
    """Replace the parameter table in docs/ODD.md with the one generated from this package."""
    doc = Path(path)
    text = doc.read_text(encoding="utf-8")
    start, end = text.index(ODD_TABLE_START), text.index(ODD_TABLE_END)
    doc.write_text(
        text[: start + len(ODD_TABLE_START)] + "\n" + markdown_table() + "\n" + text[end:],
        encoding="utf-8",
    )
