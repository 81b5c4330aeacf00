"""Solara's front-end for offline use: pack the npm packages it asks for into its asset cache.

Solara's page loads its front-end (the ``@widgetti/solara-vuetify3-app`` bundle, requirejs,
font-awesome, the grid layout Mesa's SolaraViz arranges its components in, vega for altair
charts) through the server's proxy ``/_solara/cdn/<package>@<version>/<file>``. The proxy
answers from its cache folder (``solara.server.settings.assets.proxy_cache_dir``, inside the
virtual environment) and fetches from a public CDN only what is missing there. Without
network, a missing file leaves the page blank. This module fills the cache once, at install
time, with ``npm pack`` (npm's ordinary client, from the npm registry), so the page never needs
the CDN afterwards. The packages and versions are read from Solara's own templates and
components, so they follow the installed Solara.

    python -m sim.app_parts.assets            # fill the cache (skips what is there)
    python -m sim.app_parts.assets --check    # exit 1 and list what is missing
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# A cdn reference in Solara's sources: "{{cdn}}/pkg@1.2.3/...", "${this.getCdn()}/@scope/pkg@5/..."
_CDN_REF = re.compile(
    r"(?:\{\{ ?cdn ?\}\}|\$\{this\.getCdn\(\)\}|\$\{cdn\}|\{cdn\})/"
    r"((?:@[A-Za-z0-9._-]+/)?[A-Za-z0-9._-]+@[A-Za-z0-9._-]*[A-Za-z0-9])"
)
_DONE = ".kleinstadt-complete"  # written into a package's folder once it is fully unpacked


def solara_dir() -> Path:
    spec = importlib.util.find_spec("solara")
    if spec is None or spec.origin is None:
        raise RuntimeError("solara is not installed: pip install -e '.[app]'")
    return Path(spec.origin).parent


def cache_dir() -> Path:
    """Solara's asset cache (SOLARA_ASSETS_PROXY_CACHE_DIR or <venv>/share/solara/cdn)."""
    import solara.server.settings as settings

    return Path(settings.assets.proxy_cache_dir)


def asset_specs(root: Path | None = None) -> list[str]:
    """The npm packages (``name@version``) Solara's front-end and components load by cdn."""
    root = root or solara_dir()
    found: set[str] = set()
    for path in root.rglob("*"):
        if path.suffix not in {".vue", ".j2", ".py", ".js", ".html"} or "website" in path.parts:
            continue
        found.update(_CDN_REF.findall(path.read_text(encoding="utf-8", errors="replace")))
    import solara.server.settings as settings

    fontawesome = settings.assets.fontawesome_path.strip("/").split("/")[0]
    if "@" in fontawesome:
        found.add(fontawesome)
    return sorted(found)


def missing(specs: list[str], cache: Path) -> list[str]:
    return [spec for spec in specs if not (cache / spec / _DONE).exists()]


def _unpack(archive: Path, target: Path) -> None:
    """Unpack an npm tarball into ``target``, without its top folder (``package/``)."""
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            parts = Path(member.name).parts[1:]
            if not parts or not (member.isfile() or member.isdir()):
                continue
            member.name = str(Path(*parts))
            tar.extract(member, tmp, filter="data")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    (target / _DONE).write_text("")


def install(specs: list[str], cache: Path) -> list[str]:
    """Pack and unpack every spec not yet in ``cache``; returns the specs it installed."""
    todo = missing(specs, cache)
    if not todo:
        return []
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is needed once to install the page's front-end for offline use "
            f"({', '.join(todo)}); install Node.js and npm (Debian: apt-get install npm)."
        )
    with tempfile.TemporaryDirectory() as tmp:
        for spec in todo:
            print(f"  {spec}", file=sys.stderr, flush=True)
            out = subprocess.run(
                [npm, "pack", spec, "--json", "--silent", "--pack-destination", tmp],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            filename = json.loads(out)[0]["filename"]
            _unpack(Path(tmp) / filename, cache / spec)
    return todo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only list what is missing")
    args = parser.parse_args(argv)
    cache = cache_dir()
    specs = asset_specs()
    if args.check:
        absent = missing(specs, cache)
        for spec in absent:
            print(f"missing: {spec}")
        return 1 if absent else 0
    print(f"Solara front-end for offline use, into {cache}:", file=sys.stderr)
    done = install(specs, cache)
    print(f"{len(done)} installed, {len(specs) - len(done)} already there.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
