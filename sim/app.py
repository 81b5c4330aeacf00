"""The classroom page: watch a town lose its GP, and its citizens answer (``make app``).

A Solara page built with Mesa's SolaraViz: the town's map, live plots, shocks at a click, the
policy levers, and the twin (the same town and seed without the shocks and levers, dashed).
Run it with ``make app`` (``solara run sim/app.py``); it works without internet once
``python -m sim.app_parts.assets`` has filled Solara's asset cache (``make app`` does that).
The model side is in sim/app_parts/classroom.py, the pictures in sim/app_parts/figures.py.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

import sim.app_parts.figures as figures
from sim.app_parts.classroom import (
    DEFAULT_TOWN,
    ClassroomModel,
    lever_names,
    lever_settings,
    own_town,
)
from sim.app_parts.text import narrative
from sim.config import SHOCK_TARGET, ConfigError, ShockKind
from sim.town import builtin_towns

try:  # no calls home from a classroom (solara's usage statistics)
    import solara.server.settings as _settings

    _settings.telemetry.mixpanel_enable = False
except ImportError:  # pragma: no cover - solara without its server
    pass

SHOCK_BUTTONS = {
    ShockKind.gp_retires: "GP retires",
    ShockKind.grocer_closes: "Grocer closes",
    ShockKind.bus_cut: "Bus line cut",
    ShockKind.employer_leaves: "Employer leaves",
    ShockKind.school_closes: "School closes",
}

language = solara.reactive("en")
# The levers' settings changed on the page (lever -> {field: value}); one per browser session
lever_values: solara.Reactive[dict] = solara.reactive({})
reset_error = solara.reactive("")  # why the last Reset could not use the levers chosen


class PageModel(ClassroomModel):
    """ClassroomModel with the lever settings of the page (SolaraViz builds it on Reset).

    Levers the town cannot take (R6 on a single town, a setting out of range) do not break
    the page: the town runs without levers and the shock panel says why.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("settings", lever_values.value)
        try:
            super().__init__(**kwargs)
            reset_error.set("")
        except ConfigError as err:
            keep = ("town", "seed", "twin", "lever_start", "neighbourly_help", "rng")
            super().__init__(**{k: v for k, v in kwargs.items() if k in keep})
            reset_error.set(f"Running without levers: {err}")


def model_params() -> dict:
    """The controls SolaraViz builds the model from (applied on Reset)."""
    params: dict = {
        "town": {
            "type": "Select",
            "value": DEFAULT_TOWN,
            "values": builtin_towns(),
            "label": "Town",
        },
        "seed": {"type": "SliderInt", "value": 0, "min": 0, "max": 99, "step": 1, "label": "Seed"},
        "twin": {"type": "Checkbox", "value": True, "label": "Twin (dashed): no shocks, no levers"},
        "lever_start": {
            "type": "SliderInt",
            "value": 1,
            "min": 1,
            "max": 20,
            "step": 1,
            "label": "Levers start in year",
        },
        "neighbourly_help": {
            "type": "SliderFloat",
            "value": 0.0,
            "min": 0.0,
            "max": 1.0,
            "step": 0.1,
            "label": "Neighbourly help (contested; 0 = off)",
        },
    }
    for name in lever_names():
        params[name] = {"type": "Checkbox", "value": False, "label": name.replace("_", " ")}
    return params


def _figure(make, model: ClassroomModel):
    update_counter.get()
    svg = solara.use_memo(lambda: figures.to_svg(make(model)), [model, update_counter.value])
    return solara.HTML(tag="div", unsafe_innerHTML=svg, classes=[f"kleinstadt-{make.__name__}"])


@solara.component
def TownMap(model: ClassroomModel):
    return _figure(figures.town_map, model)


@solara.component
def Population(model: ClassroomModel):
    return _figure(figures.population, model)


@solara.component
def Services(model: ClassroomModel):
    return _figure(figures.services, model)


@solara.component
def QualityOfLife(model: ClassroomModel):
    return _figure(figures.quality_of_life, model)


@solara.component
def Initiatives(model: ClassroomModel):
    return _figure(figures.initiatives, model)


@solara.component
def Debt(model: ClassroomModel):
    return _figure(figures.debt, model)


@solara.component
def ShockPanel(model: ClassroomModel):
    """One button per shock; a shock strikes at the start of the next year."""
    update_counter.get()
    error, set_error = solara.use_state("")

    def click(kind: ShockKind) -> None:
        try:
            model.shock(kind)
        except ConfigError as err:
            set_error(str(err))
            return
        set_error("")
        force_update()

    with solara.Card("Shocks: strike at the start of the next year") as card:
        with solara.Row(style={"flex-wrap": "wrap"}):
            for kind, label in SHOCK_BUTTONS.items():
                has_one = bool(model.main.services.open_of(SHOCK_TARGET[kind]))
                solara.Button(
                    label,
                    color="error",
                    outlined=True,
                    disabled=not has_one,
                    on_click=lambda kind=kind: click(kind),
                )
        solara.Text(f"Year {model.year} of {model.main.town.config.name}, seed {model.seed}.")
        for problem in (error, reset_error.value):
            if problem:
                solara.Error(problem)
        for when, kind in model.shocks_clicked:
            if when > model.year:
                solara.Info(f"{SHOCK_BUTTONS[kind]}: strikes in year {when} (press Step).")
            else:
                solara.Text(f"year {when}: {SHOCK_BUTTONS[kind]}")
        closed = figures.recent_closures(model.main)
        if closed:
            solara.Markdown(
                "**Closed recently**\n\n"
                + "\n".join(f"- {figures.describe(e)}" for e in closed[:6]),
            )
    return card


@solara.component
def OwnTown(model: solara.Reactive[ClassroomModel]):
    """Drop an own-town file (see configs/town/example_own_town.yaml) to run it."""
    message, set_message = solara.use_state("")

    def on_file(info) -> None:
        try:
            model.value = own_town(info["data"], info["name"], like=model.value)
        except (ConfigError, ValueError, OSError) as err:
            set_message(f"{info['name']}: {err}")
            return
        set_message(f"Running {info['name']} ({model.value.main.town.config.name}).")
        force_update()

    with solara.Card("Your own town") as card:
        solara.FileDrop(
            label="Drop a town file (YAML) here; Reset goes back to the town chosen on the left.",
            on_file=on_file,
            lazy=False,
        )
        if message:
            solara.Info(message)
    return card


@solara.component
def LeverSettings():
    """Sliders and checkboxes for every lever's settings, generated from the lever configs;
    they apply, like the levers' checkboxes, on Reset."""

    def setter(lever: str, name: str):
        def set_value(value) -> None:
            changed = {**lever_values.value.get(lever, {}), name: value}
            lever_values.value = {**lever_values.value, lever: changed}

        return set_value

    with solara.Card("Lever settings (apply on Reset)") as card:
        for lever in lever_names():
            with solara.Details(summary=lever.replace("_", " ")):
                for entry in lever_settings(lever):
                    name = entry["name"]
                    value = lever_values.value.get(lever, {}).get(name, entry["value"])
                    label = f"{name.replace('_', ' ')} {entry['unit'] or ''}".strip()
                    on_value = setter(lever, name)
                    if entry["type"] == "bool":
                        solara.Checkbox(label=label, value=value, on_value=on_value)
                    elif entry["type"] == "int":
                        solara.SliderInt(label, value=value, min=entry["min"],
                                         max=entry["max"], on_value=on_value)  # fmt: skip
                    else:
                        solara.SliderFloat(label, value=value, min=entry["min"], max=entry["max"],
                                           step=(entry["max"] - entry["min"]) / 100,
                                           on_value=on_value)  # fmt: skip
    return card


@solara.component
def Narrative(model: ClassroomModel):
    with solara.Card() as card:
        solara.ToggleButtonsSingle(value=language, values=["en", "de"])
        solara.Markdown(narrative(language.value))
    return card


@solara.component
def Page():
    # SolaraViz gives the app bar, the sidebar (step / run / pause / reset, the model's
    # parameters) and replaces model.value on Reset. Its own component area arranges the
    # components with solara's GridDraggable, whose grid library is written for Vue 2 and
    # stays empty under the Vue 3 front-end of solara 1.64 ("GlobalVue.use is not a
    # function"); so the page lays out its components itself, with plain rows and columns.
    initial = solara.use_memo(PageModel, [])
    model = solara.use_reactive(initial)
    solara.Title("kleinstadt: a town in the classroom")  # the browser tab (else "Solara ☀️")
    SolaraViz(
        model,
        components=[],
        model_params=model_params(),
        name="kleinstadt: a town in the classroom",
        play_interval=200,
    )
    town = model.value
    with solara.Columns([3, 2]):
        TownMap(town)
        ShockPanel(town)
    with solara.Columns([1, 1]):
        Population(town)
        Services(town)
    with solara.Columns([1, 1]):
        QualityOfLife(town)
        Initiatives(town)
    with solara.Columns([1, 1]):
        Debt(town)
        with solara.Column():
            OwnTown(model)
            LeverSettings()
    Narrative(town)
