"""The region network: travel times by mode, layout, recomputation when links change."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from conftest import tiny_config, tiny_town

from sim.config import QolConfig
from sim.model import TownModel
from sim.town import CAR, NO_CAR, Town


def test_car_minutes_are_shortest_paths():
    town = Town(tiny_town())
    i = town.index
    assert town.minutes[CAR, i["Dorf"], i["Kreisstadt"]] == pytest.approx(8 + 25)
    assert town.minutes[CAR, i["Mitte"], i["Metropole"]] == pytest.approx(40)
    assert town.minutes[CAR, i["Mitte"], i["Mitte"]] == pytest.approx(5)  # internal trip
    assert np.allclose(town.minutes[CAR], town.minutes[CAR].T)


def test_without_a_car_people_take_the_bus_or_walk():
    qol = QolConfig()
    town = Town(tiny_town(), qol)
    i = town.index
    wait = min(0.5 * qol.bus_service_hours * 60 / 8, qol.bus_max_wait_minutes)  # 8 departures a day
    assert town.minutes[NO_CAR, i["Mitte"], i["Dorf"]] == pytest.approx(14 + wait)
    # No bus to the metropolis: walking 40 car minutes takes 6.6 times as long.
    walk = 40 * qol.walking_factor
    bus_route = (
        town.minutes[NO_CAR, i["Mitte"], i["Kreisstadt"]]
        + town.minutes[NO_CAR, i["Kreisstadt"], i["Metropole"]]
    )
    assert town.minutes[NO_CAR, i["Mitte"], i["Metropole"]] == pytest.approx(min(walk, bus_route))
    assert town.minutes[NO_CAR, i["Mitte"], i["Mitte"]] == pytest.approx(
        5 * qol.no_car_internal_factor
    )


def test_cutting_a_bus_line_raises_minutes_without_car_only():
    model = TownModel(tiny_config(years=1))
    i = model.town.index
    before = model.town.minutes.copy()
    edge = model.town.graph.edges[i["Mitte"], i["Dorf"]]
    edge.pop("bus_minutes")
    edge.pop("bus_departures_per_day")
    model.network_changed()
    after = model.town.minutes
    assert np.allclose(after[CAR], before[CAR])
    assert after[NO_CAR, i["Mitte"], i["Dorf"]] > before[NO_CAR, i["Mitte"], i["Dorf"]]


def test_layout_is_deterministic_and_follows_minutes():
    a, b = Town(tiny_town()).layout(), Town(tiny_town()).layout()
    assert all(np.allclose(a[k], b[k]) for k in a)
    i = Town(tiny_town()).index
    near = np.linalg.norm(a[i["Mitte"]] - a[i["Dorf"]])
    far = np.linalg.norm(a[i["Mitte"]] - a[i["Metropole"]])
    assert far > near


def test_destinations_and_centre():
    town = Town(tiny_town())
    assert town.names[town.centre] == "Mitte"
    assert town.names[town.metropolis] == "Metropole"
    assert town.names[town.regional_centre] == "Kreisstadt"
    assert [town.names[p] for p in town.home_places] == ["Mitte", "Dorf"]


# -- own-town files: every bad file is a ConfigError naming the file, the entry and the line --

GOOD = """\
name: X
places:
  - {name: A, kind: centre, residents: 100, dwellings: 80}
  - {name: M, kind: metropolis}
edges:
  - {between: [A, M], car_minutes: 30}
"""


def _refused(tmp_path, text: str | bytes, name: str = "t.yaml"):
    from sim.config import ConfigError
    from sim.town import load_town_file

    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_town_file(path)
    return info.value


@pytest.mark.parametrize(
    ("old", "new", "field", "fragments"),
    [
        ("car_minutes: 30", "car_minutes: null", "edges[0].car_minutes", ["not empty", "line 6"]),
        ("car_minutes: 30", "car_minutes: .inf", "edges[0].car_minutes", ["finite", "line 6"]),
        ("car_minutes: 30", "car_minutes: -.inf", "edges[0].car_minutes", ["finite"]),
        ("car_minutes: 30", "car_minutes: .nan", "edges[0].car_minutes", ["finite"]),
        ("car_minutes: 30", "car_minutes: 99999", "edges[0].car_minutes", ["<= 1440"]),
        ("car_minutes: 30", "car_minutes: '30'", "edges[0].car_minutes", ["a number"]),
        ("car_minutes: 30", "car_minutes: 2e400", "edges[0].car_minutes", ["a number"]),
        ("residents: 100", "residents: 9223372036854775808", "places[0].residents", ["2^63"]),
        ("residents: 100", "residents: 99999999999999999999999", "places[0].residents", ["2^63"]),
        ("residents: 100", "residents: 9223372036854775807", "places[0].residents", ["<= 2000000"]),
        ("residents: 100", "residents: yes", "places[0].residents", ["whole number", "flag"]),
        ("residents: 100", "residents: -5", "places[0].residents", [">= 0", "line 3"]),
        ("residents: 100", "residents: 1.5", "places[0].residents", ["whole number"]),
        ("residents: 100", "residents: null", "places[0].residents", ["not empty"]),
        ("dwellings: 80", "dwellings: 80, municipality: 7", "places[0].municipality", ["'7'"]),
        ("name: A,", "name: 12,", "places[0].name", ["a text", "'12'"]),
        ("name: A,", "name: null,", "places[0].name", ["not empty"]),
        ("name: X", "name: null", "name", ["not empty", "line 1"]),
        ("name: X", "name: [X]", "name", ["a text"]),
        ("kind: centre", "kind: 3", "places[0].kind", ["centre"]),
        ("name: M,", "name: A,", "places[1].name", ["unique", "line 4"]),
        ("[A, M]", "[A, Q]", "edges[0].between", ["unknown place 'Q'", "line 6"]),
        ("name: X", "name: X\nname: Y", "name", ["each key once", "line 1", "line 2"]),
        ("residents: 100", "residents: 5, residents: 100", "places[0].residents", ["once"]),
        (
            "car_minutes: 30}",
            "car_minutes: 30}\nproviders: [{type: gp, place: Q}]",
            "providers[0].place",
            ["Known places"],
        ),
        ("name: X", "name: X\nallow_large: 1", "allow_large", ["true or false"]),
    ],
)
def test_bad_values_in_a_town_file_name_the_entry_and_line(tmp_path, old, new, field, fragments):
    assert old in GOOD
    err = _refused(tmp_path, GOOD.replace(old, new, 1))
    assert err.field == f"town.file[t.yaml].{field}", str(err)
    assert str(tmp_path / "t.yaml") in str(err)
    for fragment in fragments:
        assert fragment in str(err), str(err)


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"name: X\xff\n", ["UTF-8", "line 1"]),
        (b"name: Stra\xdfe\n", ["UTF-8"]),  # Latin-1, not UTF-8
        ("places: [ {name: A, kind: centre\n", ["valid YAML", "line 2"]),
        ("", ["is empty"]),
        ("# only a comment\n", ["is empty"]),
        ("- a\n- b\n", ["a mapping", "a list"]),
        ("just text\n", ["a mapping"]),
        ("a: 1\n---\nb: 2\n", ["valid YAML", "another document"]),
        ("name: X\nfile: other.yaml\nplaces: []\n", ["cannot point to another"]),
    ],
)
def test_unreadable_town_files(tmp_path, content, fragments):
    err = _refused(tmp_path, content)
    for fragment in fragments:
        assert fragment in str(err), str(err)
    assert "t.yaml" in str(err)


def test_a_folder_or_a_missing_file_as_town_file(tmp_path):
    from sim.config import ConfigError
    from sim.town import load_town_file

    with pytest.raises(ConfigError, match="not a folder"):
        load_town_file(tmp_path)
    with pytest.raises(ConfigError, match="Nothing found"):
        load_town_file(tmp_path / "nope.yaml")


def test_a_town_file_over_5_mb_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("wb") as f:
        f.truncate(6 * 2**20)  # sparse: 6 MB of zero bytes, never read
    err = _refused(tmp_path, path.read_bytes()[:0] + b"", name="empty_too.yaml")
    assert "is empty" in str(err)
    from sim.config import ConfigError
    from sim.town import load_town_file

    with pytest.raises(ConfigError) as info:
        load_town_file(path)
    assert "at most 5 MB" in str(info.value) and "6.0 MB" in str(info.value)


def test_more_than_100000_residents_needs_allow_large(tmp_path, caplog):
    from sim.town import load_town_file

    big = GOOD.replace("residents: 100, dwellings: 80", "residents: 150000, dwellings: 80000")
    err = _refused(tmp_path, big)
    assert err.field == "town.file[t.yaml].places"
    assert "small towns (5,000-20,000" in str(err) and "allow_large: true" in str(err)
    assert "estimate" in str(err) and "line 2" in str(err)
    path = tmp_path / "ok.yaml"
    path.write_text("allow_large: true\n" + big, encoding="utf-8")
    town = load_town_file(path)
    assert town.allow_large
    with caplog.at_level("WARNING", logger="sim.town"):
        Town(town)
    assert "large town" in caplog.text and "MB" in caplog.text and "estimate" in caplog.text
    huge = (
        "allow_large: true\nname: X\nplaces:\n"
        "  - {name: A, kind: centre, residents: 1500000, dwellings: 800000}\n"
        "  - {name: B, kind: village, residents: 1500000, dwellings: 800000}\n"
        "  - {name: M, kind: metropolis}\n"
        "edges: [{between: [A, M], car_minutes: 30}, {between: [A, B], car_minutes: 3}]\n"
    )
    err = _refused(tmp_path, huge)
    assert "even with allow_large" in str(err)


def test_unicode_place_names_work_end_to_end(tmp_path):
    from sim.config import Config
    from sim.run import run_simulation, write_outputs
    from sim.town import load_town_file

    text = GOOD.replace("name: X", "name: Großenhain").replace("A", "Ölsnitz/Erzgeb.")
    text = text.replace("M", "München").replace("kind: centre", "kind: centre, jobs: 30")
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    town = load_town_file(path)
    assert [p.name for p in town.places] == ["Ölsnitz/Erzgeb.", "München"]
    config = Config(town=town, years=1)
    config.output.progress = config.output.plots = False
    result = run_simulation(config)
    write_outputs(result, tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["town"] == "Großenhain"
    assert result.model.town.names[result.model.town.centre] == "Ölsnitz/Erzgeb."


def test_the_example_town_file_documents_every_field_the_loader_accepts():
    import dataclasses

    from sim.config import EdgeConfig, PlaceConfig, ProviderConfig, TownConfig
    from sim.town import config_dir, load_town_file

    path = config_dir() / "town" / "example_own_town.yaml"
    text = path.read_text(encoding="utf-8")
    for cls in (TownConfig, PlaceConfig, EdgeConfig, ProviderConfig):
        for f in dataclasses.fields(cls):
            assert re.search(rf"\b{f.name}\b", text), f"{cls.__name__}.{f.name} is not documented"
    town = load_town_file(path)
    assert town.places[0].hinterland > 0 and town.places[0].municipality == town.name


def test_deep_nesting_and_alias_bombs_are_refused_quickly(tmp_path):
    err = _refused(tmp_path, "name: X\nplaces: " + "[" * 1_500 + "]" * 1_500 + "\n")
    assert "nested" in str(err)
    lines = ["name: X", "edges:", "  - &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    lines += ["places: *a8"]
    err = _refused(tmp_path, "\n".join(lines) + "\n")
    assert err.field == "town.file[t.yaml].edges[0]" and len(str(err)) < 1000
