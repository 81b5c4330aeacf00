"""Bad input is rejected before year 1 with the field, the value and what is allowed."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from conftest import tiny_config, tiny_town

from sim.config import (
    Config,
    ConfigError,
    EdgeConfig,
    PlaceConfig,
    PlaceKind,
    parameter_table,
    validate,
)
from sim.model import TownModel
from sim.town import builtin_town, builtin_towns, load_town_file


def _error(make) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        make()
    return info.value


def test_defaults_are_valid_and_use_the_peripheral_town():
    cfg = Config()
    assert cfg.town.name == "peripheral"
    assert cfg.years == 30 and cfg.seed == 0


@pytest.mark.parametrize("years", [0, -3])
def test_years_below_one(years):
    err = _error(lambda: Config(town=tiny_town(), years=years))
    assert err.field == "years" and err.value == years
    assert ">= 1" in str(err)


def test_negative_population():
    town = tiny_town()
    town.places[0].residents = -5
    err = _error(lambda: Config(town=town))
    assert err.field == "town.places[0].residents"
    assert "-5" in str(err) and ">= 0" in str(err)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("migration.rate_18_24", 1.5),
        ("demography.share_with_parents_18_24", -0.1),
        ("social.engagement_mean", 2.0),
        ("town.places[1].broadband", 1.2),
    ],
)
def test_shares_outside_unit_interval(path, value):
    cfg = tiny_config()
    node = cfg
    parts = path.replace("[1]", "").split(".")
    for part in parts[:-1]:
        node = getattr(node, part)
        if part == "places":
            node = node[1]
    setattr(node, parts[-1], value)
    err = _error(lambda: validate(cfg))
    assert err.field == path
    assert "<= 1" in str(err) or ">= 0" in str(err)


def test_unknown_place_in_edge():
    town = tiny_town()
    town.edges.append(EdgeConfig(between=["Mitte", "Nirgendwo"], car_minutes=5))
    err = _error(lambda: Config(town=town))
    assert err.field == f"town.edges[{len(town.edges) - 1}].between"
    assert "Nirgendwo" in str(err) and "Known places: Mitte" in str(err)


def test_disconnected_network():
    town = tiny_town()
    town.places.append(
        PlaceConfig(name="Insel", kind=PlaceKind.village, residents=100, dwellings=60)
    )
    err = _error(lambda: Config(town=town))
    assert err.field == "town.edges"
    assert "Insel" in str(err)


def test_town_without_centre():
    town = tiny_town()
    town.places[0].kind = PlaceKind.district
    err = _error(lambda: Config(town=town))
    assert err.field == "town.places" and "centre" in str(err)


def test_town_without_destination():
    town = tiny_town(second_place=False)
    town.places = town.places[:1]
    town.edges = []
    err = _error(lambda: Config(town=town))
    assert "regional_centre" in str(err)


def test_destination_with_residents():
    town = tiny_town()
    town.places[-1].residents = 10
    err = _error(lambda: Config(town=town))
    assert err.field == f"town.places[{len(town.places) - 1}].residents"


def test_duplicate_place_names():
    town = tiny_town()
    town.places[1].name = "Mitte"
    err = _error(lambda: Config(town=town))
    assert err.field == "town.places[1].name" and "unique" in str(err)


def test_bus_departures_without_minutes():
    town = tiny_town()
    town.edges[0].bus_minutes = None
    err = _error(lambda: Config(town=town))
    assert err.field == "town.edges[0].bus_minutes"


def test_age_structure_must_cover_all_ages_and_sum_to_one():
    town = tiny_town()
    town.places[0].age_structure = {"0-17": 0.2, "18-64": 0.6}
    assert "open band" in str(_error(lambda: Config(town=town)))
    town.places[0].age_structure = {"0-17": 0.2, "18-64": 0.6, "65+": 0.3}
    assert "add up to 1" in str(_error(lambda: Config(town=town)))
    town.places[0].age_structure = {"0-17": 0.2, "20-64": 0.6, "65+": 0.2}
    assert "without gaps" in str(_error(lambda: Config(town=town)))


def test_unknown_fertility_year():
    cfg = tiny_config()
    cfg.demography.fertility_year = 1999
    err = _error(lambda: validate(cfg))
    assert err.field == "demography.fertility_year" and "2019" in str(err)


def test_too_few_dwellings_is_reported_before_year_one():
    cfg = tiny_config()
    cfg.town.places[0].dwellings = 100  # 1,500 people in ~700 households
    err = _error(lambda: TownModel(cfg))
    assert err.field == "town.places[0].dwellings"
    assert "at least" in str(err)


def test_qol_weights_unknown_component():
    cfg = tiny_config()
    cfg.qol.weights["retired"]["sunshine"] = 0.5
    err = _error(lambda: validate(cfg))
    assert err.field == "qol.weights.retired.sunshine"


# -- the own-town file --------------------------------------------------------------------------


def test_missing_own_town_file(tmp_path):
    err = _error(lambda: load_town_file(tmp_path / "nope.yaml"))
    assert err.field == "town.file" and "existing YAML file" in str(err)


def test_malformed_own_town_file(tmp_path):
    path = tmp_path / "town.yaml"
    path.write_text("places: [ {name: A, kind: centre\n", encoding="utf-8")
    err = _error(lambda: load_town_file(path))
    assert "line" in str(err) and "YAML" in str(err)


@pytest.mark.parametrize(
    ("text", "field", "fragment"),
    [
        ("name: X\nplaces: 5\n", "town.file[t.yaml].places", "list of places"),
        (
            "name: X\nplaces:\n  - {name: A, kind: castle}\n",
            "town.file[t.yaml].places[0].kind",
            "centre",
        ),
        (
            "name: X\nplaces:\n  - {name: A, kind: centre, residnts: 5}\n",
            "town.file[t.yaml].places[0].residnts",
            "Check the spelling",
        ),
        (
            "name: X\nplaces:\n  - {name: A, kind: centre, residents: many}\n",
            "town.file[t.yaml].places[0].residents",
            "whole number",
        ),
        ("name: X\ncolour: red\nplaces: []\n", "town.file[t.yaml].colour", "one of the keys"),
        (
            "name: X\nplaces:\n  - {name: A, kind: centre, residents: -1, dwellings: 5}\n  - {name: M, kind: metropolis}\nedges:\n  - {between: [A, M], car_minutes: 30}\n",
            "town.file[t.yaml].places[0].residents",
            ">= 0",
        ),
    ],
)
def test_own_town_file_errors_name_the_entry(tmp_path, text, field, fragment):
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    err = _error(lambda: load_town_file(path))
    assert err.field == field
    assert fragment in str(err)


def test_example_own_town_file_loads_and_runs():
    from sim.town import config_dir

    town = load_town_file(config_dir() / "town" / "example_own_town.yaml")
    assert town.name == "Musterstadt"
    cfg = Config(town=town, years=1)
    model = TownModel(cfg)
    model.step()
    assert model.population.size > 0


def test_builtin_towns_are_the_three_archetypes_and_the_region_and_are_valid():
    assert builtin_towns() == ["central", "peripheral", "region", "very_peripheral"]
    sizes = {name: sum(p.residents for p in builtin_town(name).places) for name in builtin_towns()}
    assert 14_000 <= sizes["central"] <= 16_000
    assert 11_000 <= sizes["peripheral"] <= 13_000
    assert 5_000 <= sizes["very_peripheral"] <= 7_000
    region = builtin_town("region")
    towns = {p.municipality for p in region.places if not p.kind.is_destination}
    assert towns == {"Altstadt", "Bergheim", "Seedorf"}
    for name in towns:  # each a small town of its own (Kleinstadt or smaller)
        assert 2_000 <= sum(p.residents for p in region.places if p.municipality == name) <= 7_000


def test_unknown_builtin_town():
    err = _error(lambda: builtin_town("metropolis"))
    assert "peripheral" in str(err)


# -- every default names its source ------------------------------------------------------------


def test_every_parameter_names_a_source_or_assumption():
    rows = parameter_table()
    assert len(rows) > 50
    missing = [r["parameter"] for r in rows if not str(r["source"]).strip()]
    assert not missing, f"parameters without a source: {missing}"


def test_config_dataclasses_are_not_frozen():
    # Hydra overrides need mutable schema dataclasses (STYLE pitfalls).
    for cls in (Config, PlaceConfig, EdgeConfig):
        assert not cls.__dataclass_params__.frozen


def test_validation_happens_on_the_whole_tree_with_paths():
    cfg = copy.deepcopy(tiny_config())
    cfg.housing.price_floor = 5.0
    err = _error(lambda: validate(cfg))
    assert err.field == "housing.price_floor"
    assert dataclasses.is_dataclass(cfg)


def test_odd_parameter_table_is_generated_from_the_config():
    from pathlib import Path

    from sim.config import ODD_TABLE_END, ODD_TABLE_START, markdown_table

    text = (Path(__file__).resolve().parent.parent / "docs" / "ODD.md").read_text(encoding="utf-8")
    table = text[
        text.index(ODD_TABLE_START) + len(ODD_TABLE_START) : text.index(ODD_TABLE_END)
    ].strip()
    assert table == markdown_table(), (
        "docs/ODD.md §7 is out of date: run python -m sim.config --write-odd"
    )


def test_bus_minutes_need_departures():
    town = tiny_town()
    town.edges[0].bus_departures_per_day = 0
    err = _error(lambda: Config(town=town))
    assert err.field == "town.edges[0].bus_departures_per_day"


def test_fixed_construction_needs_a_number():
    from sim.config import ConstructionRule

    cfg = tiny_config()
    cfg.housing.construction_rule = ConstructionRule.fixed
    cfg.housing.fixed_per_year = 0
    err = _error(lambda: validate(cfg))
    assert err.field == "housing.fixed_per_year" and "construction_rule=none" in str(err)


def test_a_config_changed_after_construction_is_checked_again_before_running():
    from sim.run import run_simulation

    cfg = tiny_config()
    cfg.years = -2
    err = _error(lambda: run_simulation(cfg))
    assert err.field == "years"


def test_config_error_survives_pickling():
    import pickle

    err = ConfigError("town.places[0].residents", -5, "a value >= 0", "Fix it.")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.field == err.field


def test_too_few_dwellings_in_an_own_town_file_names_the_file(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "name: X\nplaces:\n  - {name: A, kind: centre, residents: 1000, dwellings: 100}\n  - {name: M, kind: metropolis}\n"
        "edges:\n  - {between: [A, M], car_minutes: 30}\n",
        encoding="utf-8",
    )
    cfg = Config(town=load_town_file(path))
    err = _error(lambda: TownModel(cfg))
    assert err.field == "town.file[t.yaml].places[0].dwellings"


@pytest.mark.parametrize("kind", ["grocery_shop", "grocery_coop", "gp"])
def test_need_by_age_is_checked_for_every_kind_and_format(kind):
    cfg = Config()
    getattr(cfg.services, kind).need_by_age = {"0-17": -1.0, "18+": 1.0}
    err = _error(lambda: validate(cfg))
    assert f"services.{kind}.need_by_age" in str(err)
