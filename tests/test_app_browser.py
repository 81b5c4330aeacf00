"""The classroom page in a real browser, offline (marked ``browser``; CI runs them).

A Solara server runs sim/app.py on localhost; Debian's Chromium, driven by Playwright, opens
it with every request that leaves localhost aborted and recorded: a test fails if the page
tried to reach anything else. Screenshots go to tmp/artefacts/ (the best one is
docs/img/classroom.png). Needs: Debian's ``chromium`` (or KLEINSTADT_CHROMIUM=<path>), the
``app`` extra (Playwright's Python package; no browser is downloaded) and Solara's asset cache
filled (``make app-assets``).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "tmp" / "artefacts"
CHROMIUM = os.environ.get("KLEINSTADT_CHROMIUM", "/usr/bin/chromium")
LOCAL = {"localhost", "127.0.0.1"}
# Chromium's own background traffic off, as the machine's network is closed anyway
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[app]')"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or KLEINSTADT_CHROMIUM)"
    from sim.app_parts import assets

    absent = assets.missing(assets.asset_specs(), assets.cache_dir())
    if absent:
        return f"Solara's asset cache lacks {', '.join(absent)} (make app-assets)"
    return None


@pytest.fixture(scope="module")
def server():
    problem = _missing()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        # the server's own fallback for assets missing from its cache: a closed local port,
        # so a missing asset fails here (a failed response) instead of coming from the CDN
        "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",
    }
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTEFACTS / "solara-server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "solara", "run", "sim/app.py", "--production", "--no-open",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the Solara server did not start; see {log.name}")
            time.sleep(0.5)
    yield url
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A fresh page on the server; requests leaving localhost are aborted and recorded."""

    def __init__(self, browser, url: str) -> None:
        self.left_localhost: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1500, "height": 1300})
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        started = time.perf_counter()
        self.page.goto(url)
        self.step_button.wait_for(timeout=90_000)
        self.page.locator(".kleinstadt-town_map svg").wait_for(timeout=90_000)
        self.ready_seconds = time.perf_counter() - started

    def _route(self, route) -> None:
        url = route.request.url
        if urlparse(url).hostname in LOCAL or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.left_localhost.append(url)
            route.abort()

    @property
    def step_button(self):
        return self.page.get_by_role("button", name="Step", exact=True)

    def year_shown(self, year: int) -> None:
        self.page.get_by_text(re.compile(rf"^Year {year} of ")).wait_for(timeout=60_000)

    def svg(self, name: str) -> str:
        return self.page.locator(f".kleinstadt-{name} svg").inner_html()

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=ARTEFACTS / f"{name}.png", full_page=True)

    def close(self) -> None:
        self.page.close()
        assert self.left_localhost == [], "the page tried to leave localhost"
        assert self.errors == [], "the page raised errors or a request failed"


@pytest.fixture
def page(browser, server):
    offline = OfflinePage(browser, server)
    yield offline
    offline.close()


def test_the_page_loads_offline_with_every_component_drawn(page):
    p = page.page
    for name in ("town_map", "population", "services", "quality_of_life", "initiatives", "debt"):
        assert p.locator(f".kleinstadt-{name} svg path").count() > 5, name
    for text in ("Things to try", "Shocks: strike at the start of the next year", "Reset"):
        assert p.get_by_text(text, exact=True).first.is_visible(), text
    assert "very_peripheral, year 0" in page.svg("town_map")
    assert p.title() == "kleinstadt: a town in the classroom"
    page.year_shown(0)
    print(f"page ready in {page.ready_seconds:.1f} s")
    page.screenshot("page-loaded")
    p.get_by_role("button", name="de", exact=True).click()
    p.get_by_text("Zum Ausprobieren", exact=True).scroll_into_view_if_needed()
    assert p.get_by_text("Zum Ausprobieren", exact=True).is_visible()
    page.screenshot("things-to-try-de")


def test_a_step_advances_the_year(page):
    page.step_button.click()
    page.year_shown(1)
    assert "year 1" in page.svg("town_map")


def test_a_shock_click_closes_the_gp_on_the_map_and_in_the_plots(page):
    p = page.page
    assert 'id="open:gp"' in page.svg("town_map")
    p.get_by_role("button", name="GP retires").click()
    p.get_by_text("GP retires: strikes in year 1").wait_for()
    page.step_button.click()
    page.year_shown(1)
    town_map = page.svg("town_map")
    assert 'id="closed:gp"' in town_map and 'id="open:gp"' not in town_map
    assert "gp in Mitte closed (shock: the GP retires)" in town_map
    assert p.get_by_text("gp in Mitte closed (shock: the GP retires)").first.is_visible()
    # the GP line of the services plot falls from 1 to 0 (svg y grows downwards)
    path = p.locator('.kleinstadt-services [id="main:services_open_gp"] path').get_attribute("d")
    ys = [float(y) for y in re.findall(r"[ML] [-\d.]+ ([-\d.]+)", path)]
    assert len(ys) == 2 and ys[1] > ys[0]
    page.screenshot("gp-closed")


def test_the_twin_is_drawn_dashed_in_every_plot(page):
    page.step_button.click()
    page.year_shown(1)
    for name in ("population", "services", "quality_of_life", "initiatives", "debt"):
        twin = page.page.locator(f'.kleinstadt-{name} [id^="twin:"] path')
        assert twin.count() > 0, name
        assert "stroke-dasharray" in (twin.first.get_attribute("style") or ""), name
