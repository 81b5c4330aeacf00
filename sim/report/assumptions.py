"""The assumptions a report used: every setting that differs from the model's defaults, with
its role (data, structural, uncertainty, lever), unit and source (sim/config/table.py)."""

from __future__ import annotations

import pandas as pd

from sim.config import Config
from sim.config.table import parameter_table

SKIP = {"seed", "output"}


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return repr(a) == repr(b)


def changed_settings(configs: dict[str, Config]) -> pd.DataFrame:
    """Settings that differ from the defaults: one row per setting (``policy``: ``all`` when
    every policy's run uses it, else the policy's name)."""
    defaults = {row["parameter"]: row for row in parameter_table()}
    found: dict[tuple[str, str], list[str]] = {}
    rows: dict[tuple[str, str], dict] = {}
    for policy, config in configs.items():
        for row in parameter_table(config):
            name = row["parameter"]
            if name in SKIP or name.split(".")[0] in SKIP:
                continue
            default = defaults.get(name, {}).get("default")
            if _same(row["default"], default):
                continue
            key = (name, repr(row["default"]))
            found.setdefault(key, []).append(policy)
            rows[key] = {
                "setting": name,
                "value": row["default"],
                "default": default,
                "unit": row["unit"],
                "role": row["role"],
                "source": row["source"],
                "meaning": row["meaning"],
            }
    out = []
    for key, policies in found.items():
        scope = "all" if len(policies) == len(configs) else ", ".join(policies)
        out.append({"policies": scope, **rows[key]})
    columns = ["policies", "setting", "value", "default", "unit", "role", "source", "meaning"]
    table = pd.DataFrame(out, columns=columns)
    return table.sort_values(["policies", "setting"], key=lambda s: s.map(str)).reset_index(
        drop=True
    )


def town_facts(town) -> pd.DataFrame:
    """The town that was run: its places with residents, dwellings, jobs, hinterland."""
    return pd.DataFrame(
        [
            {
                "place": p.name,
                "kind": p.kind.value,
                "municipality": "" if p.kind.is_destination else (p.municipality or town.name),
                "residents": p.residents,
                "dwellings": p.dwellings,
                "jobs": p.jobs,
                "hinterland": p.hinterland,
                "broadband": p.broadband,
            }
            for p in town.places
        ]
    )
