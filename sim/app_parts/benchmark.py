"""How fast the classroom page is: prints figures, asserts nothing (targets: issue 15).

    python -m sim.app_parts.benchmark [--years 10] [--browser]

- a simulated year as the page shows it: the town and its twin stepped, the six pictures drawn
  (target: within 1 s for the default town);
- with ``--browser``: the page served on localhost and opened in Debian's Chromium until the
  town map is drawn (target: within 10 s), first and second visit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sim.app_parts import figures
from sim.app_parts.classroom import DEFAULT_TOWN, ClassroomModel

PICTURES = (
    figures.town_map,
    figures.population,
    figures.services,
    figures.quality_of_life,
    figures.initiatives,
    figures.debt,
)


def year_seconds(years: int, town: str) -> None:
    started = time.perf_counter()
    model = ClassroomModel(town=town)
    built = time.perf_counter() - started
    steps, draws = [], []
    cpu = time.process_time()
    for _ in range(years):
        t0 = time.perf_counter()
        model.step()
        t1 = time.perf_counter()
        for make in PICTURES:
            figures.to_svg(make(model))
        steps.append(t1 - t0)
        draws.append(time.perf_counter() - t1)
    cpu = (time.process_time() - cpu) / years
    total = [s + d for s, d in zip(steps, draws, strict=True)]
    print(f"town {town}, town and twin built in {built:.2f} s")
    print(
        f"a year on the page (median of {years}): {statistics.median(total):.2f} s "
        f"= step {statistics.median(steps):.2f} s + six pictures {statistics.median(draws):.2f} s"
        f" (max {max(total):.2f} s); CPU time per year {cpu:.2f} s (what an idle machine takes)"
    )


def page_seconds(chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    root = Path(__file__).resolve().parents[2]
    env = os.environ | {"PYTHONPATH": str(root), "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    port = 8799
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "solara", "run", "sim/app.py", "--production", "--no-open",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                time.sleep(0.2)
        print(f"server answering after {time.perf_counter() - started:.1f} s")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            for visit in ("first", "second"):
                page = browser.new_page()
                t0 = time.perf_counter()
                page.goto(url)
                page.locator(".kleinstadt-town_map svg").wait_for(timeout=120_000)
                print(f"page ready ({visit} visit): {time.perf_counter() - t0:.1f} s")
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--town", default=DEFAULT_TOWN)
    parser.add_argument("--browser", action="store_true")
    parser.add_argument(
        "--chromium", default=os.environ.get("KLEINSTADT_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    year_seconds(args.years, args.town)
    if args.browser:
        page_seconds(args.chromium)


if __name__ == "__main__":
    main()
