"""The classroom page's model side (sim/app_parts): shocks at a click, the twin, the levers,
the pictures and the offline assets. The page in a browser: tests/test_app_browser.py."""

from __future__ import annotations

import re

import pytest

from sim.app_parts import assets, figures
from sim.app_parts.classroom import ClassroomModel, lever_names, policy_of, shock_preset
from sim.config import ConfigError, ServiceType, ShockKind

TOWN = "very_peripheral"  # one GP, no manufacturer


def _open(model, kind: ServiceType) -> int:
    return len(model.services.open_of(kind))


def test_a_clicked_shock_closes_the_gp_next_year_in_the_town_but_not_in_its_twin():
    model = ClassroomModel(town=TOWN, seed=3)
    model.step()
    assert _open(model.main, ServiceType.gp) == 1
    when = model.shock("gp_retires")
    assert when == 2
    assert _open(model.main, ServiceType.gp) == 1  # strikes at the start of the next year
    model.step()
    assert _open(model.main, ServiceType.gp) == 0
    shocks = [e for e in model.main.events if e["kind"] == "shock"]
    assert [(e["year"], e["provider_type"], e["reason"]) for e in shocks] == [
        (2, "gp", "gp_retires")
    ]
    assert not [e for e in model.twin.events if e["kind"] == "shock"]
    main_gp = model.metrics("main")["services_open_gp"]
    twin_gp = model.metrics("twin")["services_open_gp"]
    assert main_gp.tolist()[:2] == twin_gp.tolist()[:2]  # paired until the shock
    assert main_gp.iloc[-1] == 0 and (main_gp <= twin_gp).all()
    # the shock file's blocked years hold: no successor for the GP in the years after
    assert model.main.shocks.blocked(3) == {ServiceType.gp}


def test_the_twin_is_the_same_run_while_nothing_was_clicked():
    model = ClassroomModel(town=TOWN, seed=5)
    for _ in range(3):
        model.step()
    main, twin = model.metrics("main"), model.metrics("twin")
    assert main.equals(twin)
    assert model.qol("main").equals(model.qol("twin"))
    assert not model.differs


def test_the_twin_runs_without_the_levers():
    model = ClassroomModel(town=TOWN, seed=1, r4_municipal_resources=True)
    assert set(model.main.config.policy.levers()) == {"r4_municipal_resources"}
    assert model.twin.config.policy.levers() == {}
    assert model.differs
    model.step()
    assert model.metrics("main")["year"].tolist() == [0, 1]


def test_without_a_twin_only_the_town_runs():
    model = ClassroomModel(town=TOWN, seed=1, twin=False)
    model.step()
    assert model.twin is None and list(model.runs()) == ["main"]


def test_a_shock_on_a_kind_the_town_lacks_is_refused_clearly():
    model = ClassroomModel(town=TOWN, seed=0, twin=False)
    with pytest.raises(ConfigError, match="manufacturer"):
        model.shock("employer_leaves")
    assert model.shocks_clicked == []


def test_levers_and_shocks_take_the_values_of_their_config_files():
    policy = policy_of({"r4_municipal_resources": True, "broadband": False}, start_year=3)
    levers = policy.levers()
    assert list(levers) == ["r4_municipal_resources"]
    assert levers["r4_municipal_resources"].extra_staff_fte == 1.5  # configs/policy/r4_...
    assert levers["r4_municipal_resources"].start_year == 3
    assert shock_preset(ShockKind.gp_retires).blocked_years == 10  # configs/shock/gp_retires
    assert "r6_cross_town_learning" in lever_names()


def test_an_unknown_town_is_refused_clearly():
    with pytest.raises(ConfigError, match="built-in towns"):
        ClassroomModel(town="Atlantis")


def test_the_pictures_show_the_closed_gp_and_the_twin_dashed():
    model = ClassroomModel(town=TOWN, seed=3)
    model.shock("gp_retires")
    model.step()
    town_map = figures.to_svg(figures.town_map(model))
    assert 'id="closed:gp"' in town_map and 'id="open:gp"' not in town_map
    assert "gp in Mitte closed (shock: the GP retires)" in town_map
    services = figures.to_svg(figures.services(model))
    assert 'id="main:services_open_gp"' in services
    assert re.search(r'id="twin:services_open_gp">\s*<path[^>]*stroke-dasharray', services)
    for make in (figures.population, figures.quality_of_life, figures.initiatives, figures.debt):
        svg = figures.to_svg(make(model))
        assert svg.startswith("<svg") and 'id="twin:' in svg, make.__name__


def test_the_offline_assets_are_read_from_solaras_own_sources(tmp_path):
    specs = assets.asset_specs()
    assert any(s.startswith("@widgetti/solara-vuetify3-app@") for s in specs)
    assert any(s.startswith("requirejs@") for s in specs)
    assert any(s.startswith("font-awesome@") for s in specs)
    assert assets.missing(specs, tmp_path) == specs
    (tmp_path / specs[0]).mkdir(parents=True)
    (tmp_path / specs[0] / assets._DONE).write_text("")
    assert assets.missing(specs, tmp_path) == specs[1:]


def test_neighbourly_help_softens_a_closure_for_the_class():
    # SF17 on the page: the same town and seed, the grocer closing, with and without help.
    drops = {}
    for help_ in (0.0, 1.0):
        model = ClassroomModel(town="peripheral", seed=2, neighbourly_help=help_)
        assert model.twin.config.qol.marginality_buffer == help_  # a setting of the town
        model.step()
        model.shock("grocer_closes")
        model.step()
        twin, main = model.qol("twin").iloc[-1], model.qol("main").iloc[-1]
        drops[help_] = float(twin["retired"] - main["retired"])  # the old need the shop most
    assert 0 < drops[1.0] < drops[0.0]


def test_neighbourly_help_outside_its_range_is_refused_with_its_field():
    with pytest.raises(ConfigError) as err:
        ClassroomModel(town=TOWN, neighbourly_help=1.5, twin=False)
    assert err.value.field == "qol.marginality_buffer"


def test_the_page_offers_only_controls_the_model_accepts():
    from mesa.visualization.solara_viz import _check_model_params

    from sim.app import model_params

    params = model_params()
    model = ClassroomModel(town=TOWN, twin=False)
    _check_model_params(model, params)
    kwargs = {name: options["value"] for name, options in params.items()}
    assert ClassroomModel(**kwargs).town_name == params["town"]["value"]


def test_an_uploaded_town_file_runs_and_a_broken_one_is_refused(tmp_path):
    from sim.app_parts.classroom import own_town
    from sim.town import config_dir

    like = ClassroomModel(
        town=TOWN,
        seed=2,
        twin=False,
        lever_start=4,
        neighbourly_help=0.3,
        r4_municipal_resources=True,
    )
    data = (config_dir() / "town" / "example_own_town.yaml").read_bytes()
    model = own_town(data, "example_own_town.yaml", like=like)
    assert model.seed == 2 and model.twin is None
    # the page's other settings carry over to the uploaded town
    assert (model.lever_start, model.neighbourly_help, model.levers) == (
        4,
        0.3,
        {"r4_municipal_resources": True},
    )
    model.step()
    assert model.year == 1 and model.main.population.size > 0
    with pytest.raises(ConfigError):
        own_town(b"name: broken\nplaces: 3\n", "broken.yaml", like=like)


def test_lever_settings_are_generated_from_the_lever_configs_and_checked():
    from sim.app_parts.classroom import lever_settings

    entries = {e["name"]: e for e in lever_settings("r4_municipal_resources")}
    assert entries["extra_staff_fte"]["value"] == 1.5 and entries["extra_staff_fte"]["max"] == 100
    assert entries["coordination_office"]["type"] == "bool"
    model = ClassroomModel(
        town=TOWN,
        twin=False,
        r4_municipal_resources=True,
        settings={"r4_municipal_resources": {"extra_staff_fte": 3.0}},
    )
    assert model.main.config.policy.r4_municipal_resources.extra_staff_fte == 3.0
    with pytest.raises(ConfigError, match="extra_staff_fte"):
        ClassroomModel(
            town=TOWN,
            twin=False,
            r4_municipal_resources=True,
            settings={"r4_municipal_resources": {"extra_staff_fte": -1.0}},
        )


def test_r6_on_a_single_town_is_refused_as_a_run_refuses_it():
    with pytest.raises(ConfigError, match="r6_cross_town_learning"):
        ClassroomModel(town=TOWN, twin=False, r6_cross_town_learning=True)


def test_the_page_runs_without_levers_when_the_town_cannot_take_them():
    from sim.app import PageModel, reset_error

    model = PageModel(town=TOWN, twin=False, r6_cross_town_learning=True)
    assert model.levers == {} and "r6_cross_town_learning" in reset_error.value
