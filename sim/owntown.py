"""The own-town workflow: ``kleinstadt new-town FILE`` and ``kleinstadt check-town FILE``.

``new-town`` writes the commented template (``configs/town/example_own_town.yaml``, which
documents every field the town-file reader accepts; a test checks that) to a new file.
``check-town`` reads a town file as a run would (sim/townfile.py and the checks across
groups), prints what it describes and draws its map beside it (``<file>_map.png``, or
``map=PATH``). Invalid input: a message naming the file, line and key, exit status 2, no map.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections import Counter
from pathlib import Path

from sim.town import config_dir

EXIT_INVALID = 2
TEMPLATE = "town/example_own_town.yaml"
NEW_TOWN_USAGE = "usage: kleinstadt new-town FILE.yaml   (writes a commented town template)"
CHECK_TOWN_USAGE = (
    "usage: kleinstadt check-town FILE.yaml [map=FILE.png]   (checks the town file and draws "
    "its map)"
)


def template_text(name: str = "THIS_FILE.yaml") -> str:
    """The commented template: the example own town, with how to check and run it as
    ``name``."""
    text = (config_dir() / TEMPLATE).read_text(encoding="utf-8")
    return text.replace(
        "# Your own town for kleinstadt. Run it with:\n"
        "#   python -m sim town.file=configs/town/example_own_town.yaml\n",
        "# Your own town for kleinstadt. Edit the values, check it (and see its map) with:\n"
        f"#   kleinstadt check-town {shlex.quote(name)}\n"
        "# then run it with:\n"
        f"#   python -m sim {shlex.quote('town.file=' + name)}\n",
        1,
    )


def _fail(message: str) -> int:
    print(f"kleinstadt: {message}", file=sys.stderr)
    return EXIT_INVALID


def new_town(args: list[str]) -> int:
    """``kleinstadt new-town FILE``: write the template to FILE (never over an existing file)."""
    if len(args) != 1 or args[0].startswith("-"):
        return _fail(NEW_TOWN_USAGE)
    path = Path(args[0])
    if path.suffix not in (".yaml", ".yml"):
        return _fail(f"new-town {path}: the file name must end in .yaml or .yml")
    if path.exists():
        return _fail(
            f"new-town {os.path.abspath(path)}: the file exists; choose another name or remove it"
        )
    if not path.parent.is_dir():
        return _fail(f"new-town {path}: the folder {os.path.abspath(path.parent)} does not exist")
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(template_text(str(path)), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        return _fail(f"new-town {path}: cannot write it: {err.strerror or err}")
    print(
        f"Wrote {path}: a commented town of 3 places and 2 destinations. Edit it, then:\n"
        f"  kleinstadt check-town {path}\n"
        f"  kleinstadt report town.file={path} 'policies=[baseline,r4_municipal_resources]' "
        "seeds=10 years=20 out=my_report"
    )
    return 0


def describe(town) -> list[str]:
    """What a town file describes, in a few lines."""
    config = town.config
    homes = [p for p in config.places if not p.kind.is_destination]
    lines = [
        f"{config.name}: {sum(p.residents for p in homes):,} residents in {len(homes)} places, "
        f"{sum(p.dwellings for p in homes):,} dwellings, "
        f"{sum(p.hinterland for p in homes):,} people in the hinterland",
    ]
    municipalities = sorted({p.municipality or config.name for p in homes})
    if len(municipalities) > 1:
        lines.append(f"municipalities: {', '.join(municipalities)}")
    for p in config.places:
        if p.kind.is_destination:
            minutes = town.minutes[0, town.centre, town.index[p.name]]
            lines.append(f"  {p.name} ({p.kind.value}): {p.jobs:,} jobs, {minutes:.0f} min by car")
        else:
            lines.append(
                f"  {p.name} ({p.kind.value}): {p.residents:,} residents, "
                f"{p.dwellings:,} dwellings, {p.jobs:,} jobs"
            )
    kinds = Counter()
    for item in config.providers:
        kinds[item.type.value] += item.count
    lines.append(
        "providers: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(kinds.items()))
    )
    return lines


def check_town(args: list[str]) -> int:
    """``kleinstadt check-town FILE [map=PNG]``: validate the file and draw its map."""
    files = [a for a in args if not a.startswith("map=")]
    maps = [a.split("=", 1)[1] for a in args if a.startswith("map=")]
    if len(files) != 1 or len(maps) > 1 or files[0].startswith("-"):
        return _fail(CHECK_TOWN_USAGE)
    path = Path(files[0])
    target = Path(maps[0]) if maps else path.with_name(f"{path.stem}_map.png")
    if target.suffix != ".png":
        return _fail(f"check-town: map={target}: the map is a PNG; give a name ending in .png")
    from sim.config import Config, ConfigError, TownConfig
    from sim.town import Town, resolve_town

    try:
        config = Config(town=TownConfig(file=str(path)))
        resolved = resolve_town(config.town)
        config.check_town(resolved)
        town = Town(resolved, config.qol)
    except ConfigError as err:
        return _fail(f"invalid town file: {err}")
    for line in describe(town):
        print(line)
    from sim.town_map import town_map_figure

    tmp = target.with_name(f".{target.name}.tmp.png")
    try:
        import matplotlib.pyplot as plt

        plt.close(town_map_figure(town, "", tmp))
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        return _fail(f"check-town: cannot write the map {target}: {err.strerror or err}")
    print(f"The file is valid. Map: {target}")
    return 0


def town_file_sweeps_one_town(args: list[str]) -> list[str]:
    """A sweep of an experiment that sweeps the archetypes (``town: central,...``) with a
    ``town.file``: the file is the one town, so the experiment's town sweep is dropped (else
    every run of the file would be repeated once per archetype). An explicit ``town=`` stays."""
    keys = {a.split("=", 1)[0].lstrip("+~") for a in args if "=" in a}
    multirun = "-m" in args or "--multirun" in args
    if not (multirun and "town.file" in keys and "experiment" in keys) or "town" in keys:
        return args
    name = next(a.split("=", 1)[1] for a in args if a.split("=", 1)[0].lstrip("+~") == "experiment")
    path = config_dir() / "experiment" / f"{name}.yaml"
    try:
        import yaml

        params = yaml.safe_load(path.read_text(encoding="utf-8"))["hydra"]["sweeper"]["params"]
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        return args  # Hydra reports an unknown experiment itself
    return [*args, "~hydra.sweeper.params.town"] if "town" in params else args
