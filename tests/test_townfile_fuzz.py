"""Fuzzing the own-town reader: a valid small town file, mutated.

Every mutated file must either be refused with a ConfigError that names the file and an entry
of the mutated document (or the parent of a missing one), or load into a town whose 2-year run
finishes with finite metrics. Never a traceback of another kind.
"""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import Config, ConfigError
from sim.run import run_simulation
from sim.townfile import load_town_file

BASE: dict[str, Any] = {
    "name": "Fuzzdorf",
    "region": "west",
    "file": None,
    "places": [
        {
            "name": "Altstadt",
            "kind": "centre",
            "residents": 600,
            "dwellings": 340,
            "jobs": 250,
            "broadband": 0.7,
            "internal_minutes": 4,
            "hinterland": 300,
            "age_structure": {
                "0-17": 0.15,
                "18-29": 0.12,
                "30-49": 0.23,
                "50-64": 0.23,
                "65+": 0.27,
            },
        },
        {"name": "Kirchdorf", "kind": "village", "residents": 200, "dwellings": 120, "jobs": 20},
        {"name": "Bad Kreisstadt", "kind": "regional_centre", "jobs": 35000, "price_index": 1.05},
        {
            "name": "Landeshauptstadt",
            "kind": "metropolis",
            "jobs": 600000,
            "price_index": 1.6,
            "university": True,
            "internal_minutes": 25,
        },
    ],
    "edges": [
        {
            "between": ["Altstadt", "Kirchdorf"],
            "car_minutes": 9,
            "bus_minutes": 15,
            "bus_departures_per_day": 6,
        },
        {"between": ["Altstadt", "Bad Kreisstadt"], "car_minutes": 22},
        {"between": ["Bad Kreisstadt", "Landeshauptstadt"], "car_minutes": 45},
    ],
    "providers": [
        {"type": "grocery", "place": "Altstadt"},
        {"type": "grocery", "place": "Kirchdorf", "format": "shop"},
        {"type": "gp", "place": "Altstadt", "count": 2},
        {"type": "primary_school", "place": "Altstadt"},
        {"type": "bus_line", "place": "Altstadt", "route": ["Altstadt", "Kirchdorf"]},
        {"type": "manufacturer", "place": "Altstadt", "staff": 60},
    ],
}

DUP = "__dup__"
"""A key written as ``__dup__name`` is dumped as a second ``name`` (a duplicate key)."""


def _paths(node: Any, here: tuple = ()) -> list[tuple]:
    """Every path (keys and indices) to a value in the document."""
    out = [here] if here else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*here, i))
    return out


def _field(path: tuple, where: str = "town.file[t.yaml]") -> str:
    """The loader's name of a path: fields as ``.key``, free mappings as ``['key']``."""
    text = where
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text


def _names(doc: Any, where: str = "town.file[t.yaml]") -> set[str]:
    """The loader's names of every entry of ``doc``, in both spellings of mapping keys."""
    names = {where, "town.file"}
    if isinstance(doc, dict):
        for key, value in doc.items():
            key = str(key).removeprefix(DUP)
            for child in (f"{where}.{key}", f"{where}[{key!r}]"):
                names |= _names(value, child)
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            names |= _names(value, f"{where}[{i}]")
    return names


ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(
        [math.inf, -math.inf, math.nan, 2**63, 2**63 - 1, -(2**63), 2**64, 10**30, 2**31, -1, 0]
    ),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        ["Ärzte-Öhringen", "Straße", "ß", "", " ", "yes", "1e3", "centre", "Kirchdorf"]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


SPECIAL_NUMBERS = st.sampled_from(
    [
        *(math.inf, -math.inf, math.nan, 2**63, 2**64, 10**30, 2**62, 10**7, 1e300, -1, -0.5, 0),
        *(None, True, False, "7", [], {}),
    ]
)
SPECIAL_TEXTS = st.sampled_from([7, 12.5, None, True, "", " ", "Ärger", "7", [], {"a": 1}])


def _set(doc: Any, path: tuple, value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def _get(doc: Any, path: tuple) -> Any:
    for step in path:
        doc = doc[step]
    return doc


NAMES = ["Altstadt", "Kirchdorf", "Bad Kreisstadt", "Landeshauptstadt"]
PLACE_NAMES = st.one_of(
    st.sampled_from(
        ["Ölbronn-Dürrn", "Groß Köris", "Sankt Märgen", "Łęknica", "東京", "Kirchdorf"]
    ),
    st.text(min_size=1, max_size=10),
)


def _rename(node: Any, old: str, new: str) -> Any:
    """Every occurrence of the place name ``old`` replaced by ``new`` (in place)."""
    if isinstance(node, dict):
        for key, value in node.items():
            node[key] = _rename(value, old, new)
    elif isinstance(node, list):
        node[:] = [_rename(v, old, new) for v in node]
    return new if node == old else node


@st.composite
def mutated(draw) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        paths = _paths(doc)
        how = draw(
            st.sampled_from(
                [
                    *("value", "value", "number", "number", "special", "special", "remove"),
                    *("duplicate", "rename", "rename_everywhere", "unknown", "big"),
                ]
            )
        )
        if how == "special":  # a number or a name gets an awkward value of another type
            numbers = [p for p in paths if type(_get(doc, p)) in (int, float)]
            texts = [p for p in paths if isinstance(_get(doc, p), str)]
            if draw(st.booleans()) and numbers:
                _set(doc, draw(st.sampled_from(numbers)), draw(SPECIAL_NUMBERS))
            elif texts:
                _set(doc, draw(st.sampled_from(texts)), draw(SPECIAL_TEXTS))
            continue
        path = draw(st.sampled_from(paths))
        parent = _get(doc, path[:-1])
        if how == "value":
            _set(doc, path, draw(ODD_VALUES))
        elif how == "number" and isinstance(_get(doc, path), int | float):  # plausible range
            _set(doc, path, draw(st.one_of(st.integers(0, 3000), st.floats(0.0, 200.0))))
        elif how == "rename_everywhere":  # a new (unicode) name, references changed with it
            _rename(doc, draw(st.sampled_from(NAMES)), draw(PLACE_NAMES))
        elif how == "big":  # a size at the edge of what the model accepts
            _set(doc, path, draw(st.sampled_from([99_999, 100_001, 2_000_001, 10**7, 1e9, 1e300])))
        elif how == "remove" and isinstance(parent, dict):
            del parent[path[-1]]
        elif how == "duplicate" and isinstance(parent, dict) and isinstance(path[-1], str):
            parent[DUP + path[-1]] = draw(ODD_VALUES)
        elif how == "rename" and isinstance(doc.get("places"), list) and doc["places"]:
            place = draw(st.sampled_from(doc["places"]))
            if isinstance(place, dict):
                place["name"] = draw(st.sampled_from(["Neustadt", "Kirchdörfle", "Altstadt"]))
        elif how == "unknown":
            target = parent if isinstance(parent, dict) else doc
            target[draw(st.sampled_from(["colour", "Residents", "allow_large", "notes"]))] = 1
    return doc


def _dump(doc: dict[str, Any]) -> str:
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return re.sub(rf"\b{DUP}", "", text)


def _check(doc: dict[str, Any], tmp: Path) -> str:
    """Load and, if valid, run 2 years; return 'refused' or 'ran'."""
    path = tmp / "t.yaml"
    path.write_text(_dump(doc), encoding="utf-8")
    names = _names(doc)
    try:
        town = load_town_file(path)
        config = Config(town=town, years=2, seed=0)
        config.output.progress = False
        result = run_simulation(config)
    except ConfigError as err:
        parent = re.sub(r"(\.[^.\[]*|\[[^\]]*\])$", "", err.field)
        assert err.field in names or parent in names, (err.field, str(err))
        assert "t.yaml" in str(err), str(err)
        return "refused"
    numbers = result.metrics.select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(numbers).all(), result.metrics.columns[~np.isfinite(numbers).all(axis=0)]
    return "ran"


def test_the_base_file_loads_and_runs(tmp_path):
    assert _check(copy.deepcopy(BASE), tmp_path) == "ran"


def test_a_duplicate_key_is_refused_with_both_lines(tmp_path):
    doc = copy.deepcopy(BASE)
    doc["places"][1][DUP + "residents"] = 5
    path = tmp_path / "t.yaml"
    path.write_text(_dump(doc), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_town_file(path)
    assert info.value.field == "town.file[t.yaml].places[1].residents"
    assert "each key once" in str(info.value) and "line" in str(info.value)


FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(doc=mutated())
def test_mutated_town_files_are_refused_clearly_or_run(tmp_path, doc):
    _check(doc, tmp_path)


@pytest.mark.slow
@settings(FUZZ, max_examples=1000, derandomize=False)
@given(doc=mutated())
def test_mutated_town_files_many(tmp_path, doc):
    _check(doc, tmp_path)
