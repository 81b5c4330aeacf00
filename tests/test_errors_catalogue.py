"""The catalogue of bad inputs and the exact message each gets (docs/errors.md).

Every case runs the command line in-process (``sim.cli.main`` with its arguments) in an empty
folder and records the exit code and what it printed. The test asserts that each is refused
with exit code 2, that the message names the offending field or key, and that no output
folder is left; and that ``docs/errors.md`` is the catalogue these cases produce now.

Regenerate the document after changing a message::

    python tests/test_errors_catalogue.py --write
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "errors.md"

GOOD_TOWN = """\
name: Teststadt
region: west
places:
  - {name: Mitte, kind: centre, residents: 1500, dwellings: 800, jobs: 500}
  - {name: Dorf, kind: village, residents: 400, dwellings: 220, jobs: 20}
  - {name: Kreisstadt, kind: regional_centre, jobs: 30000}
edges:
  - {between: [Mitte, Dorf], car_minutes: 8, bus_minutes: 14, bus_departures_per_day: 8}
  - {between: [Mitte, Kreisstadt], car_minutes: 25}
providers:
  - {type: gp, place: Mitte}
  - {type: grocery, place: Mitte}
"""


@dataclass(frozen=True)
class Case:
    """One bad input: command-line overrides, optionally with a town file's text (or bytes)."""

    what: str
    args: tuple[str, ...]
    names: str  # the message must contain this (the field, key or file)
    town: str | bytes | None = None


def _town(old: str, new: str) -> str:
    assert old in GOOD_TOWN, old
    return GOOD_TOWN.replace(old, new, 1)


CASES = [
    # -- the command line ------------------------------------------------------------------
    Case("a number that is not one", ("years=abc",), "years"),
    Case("years out of range", ("years=0",), "years"),
    Case("a negative seed", ("seed=-1",), "seed"),
    Case("an unknown town", ("town=nowhere",), "town"),
    Case("an unknown policy", ("policy=r4",), "policy"),
    Case("an unknown shock", ("shock=flood",), "shock"),
    Case("an unknown setting", ("+migration.rate_18_25=0.1",), "rate_18_25"),
    Case("an unknown top-level setting", ("+foo=1",), "foo"),
    Case("a share above 1", ("migration.rate_18_24=2",), "migration.rate_18_24"),
    Case("infinity", ("services.grocery.spend_per_person_eur=inf",), "spend_per_person_eur"),
    Case("not a number", ("migration.rate_25_29=nan",), "migration.rate_25_29"),
    Case("an absurd magnitude", ("services.grocery.spend_per_person_eur=1e308",), "spend_per"),
    Case("an idea weight of infinity", ("civic.coop_shop.idea_weight=inf",), "idea_weight"),
    Case(
        "a town-emptying reference gap",
        ("migration.qol_gap_reference=-5",),
        "migration.qol_gap_reference",
    ),
    Case("a negative hazard", ("demography.separation_hazard=-0.1",), "separation_hazard"),
    Case("a shock after the run", ("shock=gp_retires", "shock.year=40"), "shock.year"),
    Case("a shock at an unknown place", ("shock=gp_retires", "shock.place=Atlantis"), "shock"),
    Case(
        "a shock on a town without its target",
        ("town.file=TOWN", "shock=employer_leaves"),
        "shock.kind",
        GOOD_TOWN,
    ),
    Case(
        "a lever starting after the run",
        ("policy=broadband", "policy.broadband.start_year=31"),
        "start_year",
    ),
    Case(
        "a lever's setting while it is off",
        ("policy.r4_municipal_resources.extra_staff_fte=3",),
        "r4_municipal_resources",
    ),
    Case("cross-town learning on one town", ("policy=r6_cross_town_learning",), "policy"),
    Case(
        "a quality-of-life weight the stage does not have",
        ("qol.weights.retired.commute=-1",),
        "commute",
    ),
    Case(
        "a negative quality-of-life weight",
        ("qol.weights.retired.housing_cost=-1",),
        "qol.weights.retired.housing_cost",
    ),
    Case(
        "an online-share schedule with a negative year",
        ("services.online_share=[[-3,0.5],[30,0.25]]",),
        "online_share",
    ),
    Case("an online share above 1", ("services.online_share=[[0,1.5]]",), "online_share"),
    Case(
        "an online-share schedule out of order",
        ("services.online_share=[[30,0.25],[0,0.13]]",),
        "online_share",
    ),
    Case("a wrong type for a switch", ("migration.enabled=maybe",), "migration.enabled"),
    Case("a misspelt group key", ("+servics.grocery.spend_per_person_eur=1",), "servics"),
    # -- own-town files ---------------------------------------------------------------------
    Case("a town file that does not exist", ("town.file=/nonexistent/town.yaml",), "town.file"),
    Case("a folder as town file", ("town.file=DIR",), "town.file"),
    Case("an empty town file", ("town.file=TOWN",), "town", ""),
    Case("a town file that is not YAML", ("town.file=TOWN",), "line", "name: [unclosed\n"),
    Case("a town file in another encoding", ("town.file=TOWN",), "UTF-8", b"name: Gr\xfcnau\n"),
    Case("a list instead of a town", ("town.file=TOWN",), "town", "- a\n- b\n"),
    Case("an unknown key", ("town.file=TOWN",), "regoin", _town("region: west", "regoin: west")),
    Case(
        "a place without a name",
        ("town.file=TOWN",),
        "name",
        _town("{name: Dorf, kind", "{name: null, kind"),
    ),
    Case(
        "a duplicate place name",
        ("town.file=TOWN",),
        "Mitte",
        _town("{name: Dorf, kind", "{name: Mitte, kind"),
    ),
    Case(
        "an unknown place kind", ("town.file=TOWN",), "kind", _town("kind: village", "kind: hamlet")
    ),
    Case(
        "residents as text",
        ("town.file=TOWN",),
        "residents",
        _town("residents: 400", "residents: many"),
    ),
    Case(
        "residents as yes",
        ("town.file=TOWN",),
        "residents",
        _town("residents: 400", "residents: yes"),
    ),
    Case(
        "negative residents",
        ("town.file=TOWN",),
        "residents",
        _town("residents: 400", "residents: -400"),
    ),
    Case(
        "residents beyond 2^63",
        ("town.file=TOWN",),
        "residents",
        _town("residents: 400", "residents: 9223372036854775808"),
    ),
    Case(
        "a town far too large",
        ("town.file=TOWN",),
        "residents",
        _town("residents: 1500, dwellings: 800", "residents: 150000, dwellings: 80000"),
    ),
    Case(
        "too few dwellings",
        ("town.file=TOWN",),
        "dwellings",
        _town("residents: 1500, dwellings: 800", "residents: 1500, dwellings: 100"),
    ),
    Case(
        "minutes missing",
        ("town.file=TOWN",),
        "car_minutes",
        _town("car_minutes: 25}", "car_minutes: null}"),
    ),
    Case(
        "infinite minutes",
        ("town.file=TOWN",),
        "car_minutes",
        _town("car_minutes: 25}", "car_minutes: .inf}"),
    ),
    Case(
        "a link to an unknown place",
        ("town.file=TOWN",),
        "Kreistadt",
        _town("[Mitte, Kreisstadt]", "[Mitte, Kreistadt]"),
    ),
    Case(
        "a bus line without bus minutes",
        ("town.file=TOWN",),
        "bus",
        _town("car_minutes: 8, bus_minutes: 14,", "car_minutes: 8,"),
    ),
    Case(
        "a provider at an unknown place",
        ("town.file=TOWN",),
        "Mite",
        _town("{type: gp, place: Mitte}", "{type: gp, place: Mite}"),
    ),
    Case(
        "an unknown provider type",
        ("town.file=TOWN",),
        "type",
        _town("{type: gp, place: Mitte}", "{type: doctor, place: Mitte}"),
    ),
    Case(
        "a municipality given as a number",
        ("town.file=TOWN",),
        "municipality",
        _town("{name: Dorf, kind: village,", "{name: Dorf, municipality: 7, kind: village,"),
    ),
    Case("a duplicate key", ("town.file=TOWN",), "name", GOOD_TOWN + "name: Zweitstadt\n"),
    Case(
        "a disconnected place",
        ("town.file=TOWN",),
        "Dorf",
        _town(
            "  - {between: [Mitte, Dorf], car_minutes: 8, bus_minutes: 14, bus_departures_per_day: 8}\n",
            "",
        ),
    ),
]


def run_case(case: Case, folder: Path) -> tuple[int, str]:
    """Run the CLI in-process in ``folder``: its exit code and what it printed to stderr."""
    from sim import cli

    args = []
    for arg in case.args:
        if arg == "town.file=TOWN":
            path = folder / "town.yaml"
            data = case.town if case.town is not None else GOOD_TOWN
            path.write_bytes(data if isinstance(data, bytes) else data.encode())
            arg = f"town.file={path}"
        elif arg == "town.file=DIR":
            (folder / "a_folder").mkdir()
            arg = f"town.file={folder / 'a_folder'}"
        args.append(arg)
    err = io.StringIO()
    old_argv, old_cwd = sys.argv, Path.cwd()
    sys.argv = ["kleinstadt", "output.plots=false", *args]
    code = 0
    try:
        os.chdir(folder)
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                cli.main()
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = old_argv
        os.chdir(old_cwd)
    text = err.getvalue().replace(str(folder), "<folder>").replace(str(REPO), "<repo>")
    return code, text.strip()


def catalogue(results: list[tuple[Case, int, str]]) -> str:
    lines = [
        "# What kleinstadt says to bad input",
        "",
        "Generated by `tests/test_errors_catalogue.py` (`python tests/test_errors_catalogue.py "
        "--write`); the test fails when a message changes and this file was not regenerated.",
        "Every case exits with status 2 and leaves no output folder. `<folder>` stands for the "
        "folder the command ran in, `<repo>` for the repository.",
        "",
    ]
    for i, (case, code, text) in enumerate(results, 1):
        shown = " ".join(f"'{a}'" if " " in a else a for a in case.args)
        lines += [
            f"## {i}. {case.what}",
            "",
            f"`python -m sim {shown}`" + (" with this town file:" if case.town is not None else ""),
            "",
        ]
        if case.town is not None:
            body = case.town.decode("latin-1") if isinstance(case.town, bytes) else case.town
            lines += ["```yaml", body.rstrip("\n") or "# (empty)", "```", ""]
        lines += [f"Exit status {code}:", "", "```", text, "```", ""]
    return "\n".join(lines)


def _run_all(tmp: Path) -> list[tuple[Case, int, str]]:
    results = []
    for i, case in enumerate(CASES):
        folder = tmp / f"case{i:02d}"
        folder.mkdir()
        results.append((case, *run_case(case, folder)))
    return results


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return _run_all(tmp_path_factory.mktemp("errors"))


def test_there_are_at_least_40_cases():
    assert len(CASES) >= 40
    assert len({c.what for c in CASES}) == len(CASES)


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c.what for c in CASES])
def test_each_bad_input_is_refused_with_a_message_naming_it(results, index):
    case, code, text = results[index]
    assert code == 2, text
    assert text and "Traceback" not in text, text
    assert case.names.lower() in text.lower(), text


def test_no_bad_input_leaves_an_output_folder(results, tmp_path_factory):
    root = Path(str(tmp_path_factory.getbasetemp())) / "errors0"
    leftovers = [p for p in root.rglob("*") if p.name in ("outputs", "multirun")]
    assert not leftovers, leftovers


def test_the_catalogue_in_docs_is_current(results):
    expected = catalogue(results)
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/errors.md is out of date: run python tests/test_errors_catalogue.py --write"
    )


if __name__ == "__main__":
    import tempfile

    if "--write" not in sys.argv:
        sys.exit("usage: python tests/test_errors_catalogue.py --write")
    with tempfile.TemporaryDirectory() as tmp:
        text = catalogue(_run_all(Path(tmp)))
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC} ({len(CASES)} cases)")
