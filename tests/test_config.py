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
        ("name: X\nplaces: []\n", "town.file[t.yaml].places", "at least one place"),
        (
            "name: X\nplaces:\n  - {name: A, kind: centre}\nedges:\n  - {between: A, car_minutes: 3}\n",
            "town.file[t.yaml].edges[0].between",
            "list of names",
        ),
        (
            "name: X\nplaces:\n  - {name: A, kind: centre}\nedges:\n  - {between: [A, B]}\n",
            "town.file[t.yaml].edges[0].car_minutes",
            "car minutes for every edge",
        ),
        (
            "name: X\nplaces:\n  - {name: A, kind: centre, age_structure: {'0-17': x}}\n",
            "town.file[t.yaml].places[0].age_structure['0-17']",
            "a number",
        ),
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


# -- the parameter table as CSV, with a role for every parameter --------------------------------


def _csv_rows() -> list[dict[str, str]]:
    import csv
    import io
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "sim.config", "--format", "csv"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    reader = csv.DictReader(io.StringIO(out))
    assert tuple(reader.fieldnames or ()) == (
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
    return list(reader)


def test_parameter_csv_has_the_columns_and_a_valid_role_unit_and_source_per_row():
    from sim.config.param import ROLES

    rows = _csv_rows()
    assert [r["path"] for r in rows] == [r["parameter"] for r in parameter_table()]
    assert all(r["role"] in ROLES for r in rows), {r["path"]: r["role"] for r in rows}
    assert all(r["source"].strip() for r in rows)
    assert all(r["unit"] is not None for r in rows)  # a unit, or an explicit empty one
    assert {r["role"] for r in rows} == set(ROLES)
    levers = {r["path"].rsplit(".", 1)[1] for r in rows if r["role"] == "lever"}
    assert {"enabled", "start_year", "yearly_cost_eur"} <= levers


def test_every_parameter_declares_its_role_and_unit():
    from sim.config.param import ROLES

    def walk(cls):
        for f in dataclasses.fields(cls):
            if "source" in f.metadata:  # declared with param()
                yield cls, f
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else None
            if dataclasses.is_dataclass(default):
                yield from walk(type(default))

    declared = list(walk(Config))
    assert len(declared) > 150
    for cls, f in declared:
        assert f.metadata["role"] in ROLES, (cls.__name__, f.name)
        assert isinstance(f.metadata["unit"], str), (cls.__name__, f.name)


def test_param_requires_a_role_and_a_unit():
    from sim.config.param import param

    with pytest.raises(TypeError):
        param(1.0, source="assumption", unit="")
    with pytest.raises(TypeError):
        param(1.0, source="assumption", role="uncertainty")
    with pytest.raises(ValueError, match="role"):
        param(1.0, source="assumption", role="guess", unit="")


def test_markdown_format_is_the_odd_table():
    import subprocess
    import sys

    from sim.config import markdown_table

    out = subprocess.run(
        [sys.executable, "-m", "sim.config", "--format", "markdown"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == markdown_table()


# -- the default town is resolved by the caller, not by the config ------------------------------


def test_sim_config_does_not_import_sim_town():
    import subprocess
    import sys

    code = "import sys, sim.config; sys.exit('sim.town' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_town_given_only_by_name_is_the_builtin_town():
    from sim.config import TownConfig
    from sim.town import resolve_town

    assert Config().town == TownConfig()
    assert resolve_town(TownConfig()) == builtin_town("peripheral")
    assert resolve_town(TownConfig(name="central")) == builtin_town("central")
    err = _error(lambda: resolve_town(TownConfig(name="Atlantis")))
    assert err.field == "town.places" and "Atlantis" in str(err) and "peripheral" in str(err)
    # Anything besides the name makes it a town of its own, which needs places.
    err = _error(lambda: Config(town=TownConfig(name="x", edges=[EdgeConfig(between=["a", "b"])])))
    assert err.field == "town.places" and "at least one place" in str(err)


def test_rules_between_town_and_policy_are_checked_for_the_default_town_before_running():
    from sim.config import PolicyConfig, R6CrossTownConfig, ShockConfig, ShockKind
    from sim.run import run_simulation

    policy = PolicyConfig(name="r6", r6_cross_town_learning=R6CrossTownConfig(enabled=True))
    err = _error(lambda: run_simulation(Config(years=2, policy=policy)))
    assert err.field == "policy" and "single municipality" in str(err)
    shock = ShockConfig(kind=ShockKind.gp_retires, year=1, place="Atlantis")
    err = _error(lambda: run_simulation(Config(years=2, shock=shock)))
    assert err.field == "shock.place" and "Atlantis" in str(err)


def test_per_kind_sources_name_real_kinds_and_fields():
    from sim.config import INITIATIVE_SOURCES, SERVICE_SOURCES, CivicConfig, ServicesConfig

    for group, table in ((ServicesConfig(), SERVICE_SOURCES), (CivicConfig(), INITIATIVE_SOURCES)):
        for kind, entries in table.items():
            settings = getattr(group, kind)
            for name in entries:
                assert name in {f.name for f in dataclasses.fields(settings)}, (kind, name)


def test_age_ranges_of_mechanisms_must_be_ordered():
    from sim.config import CivicConfig, ServicesConfig

    err = _error(lambda: Config(services=ServicesConfig(successor_age_min=60)))
    assert err.field == "services.successor_age_max"
    err = _error(lambda: Config(services=ServicesConfig(gp_owner_age_min=60)))
    assert err.field == "services.gp_owner_age_old"
    err = _error(lambda: Config(civic=CivicConfig(idea_min_age=80)))
    assert err.field == "civic.idea_max_age"
    err = _error(lambda: Config(civic=CivicConfig(coworking_broadband_min=1.0)))
    assert err.field == "civic.coworking_broadband_min"


def test_gap_thresholds_and_strengths_are_parameters():
    rows = {r["parameter"]: r for r in parameter_table()}
    assert rows["civic.gaps.closure_years"]["default"] == 3
    assert rows["civic.gaps.coop_shop_closure_gap"]["role"] == "uncertainty"
    assert rows["services.bus_rider_min_age"]["role"] == "structural"
