"""Write a report folder: ``report.html`` (self-contained: figures as base64 PNG, one inline
stylesheet with a print layout) and the CSV tables beside it."""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
from pathlib import Path

import pandas as pd

from sim.report import figures, tables
from sim.report.assumptions import changed_settings, town_facts
from sim.report.runner import AGE_GROUPS, RunTables
from sim.report.text import STYLE, explanation

HEADLINE = {
    # column: (label, unit, scale, decimals)
    "population": ("residents", "", 1.0, 0),
    "share_65_plus": ("aged 65+", "%", 100.0, 1),
    "median_age": ("median age", "years", 1.0, 1),
    "qol_mean": ("mean QoL", "index 0–1", 1.0, 3),
    "services_kept": ("services open (no employers)", "providers", 1.0, 1),
    "initiatives_running": ("initiatives running", "", 1.0, 1),
    "municipal_debt_eur": ("municipal debt", "million EUR", 1e-6, 2),
    "municipal_debt_per_resident_eur": ("debt per resident", "EUR", 1.0, 0),
    "policy_cost_eur": ("policy cost in the year", "thousand EUR", 1e-3, 0),
}


def _e(text) -> str:
    return html.escape(str(text))


def _num(value: float, decimals: int | None = None, sign: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if decimals is None:
        size = abs(value)
        decimals = 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3
    text = f"{value:{'+' if sign else ''},.{decimals}f}"
    return text.replace("-", "−")


def _table(frame: pd.DataFrame, numeric: set[str] | None = None, cls: str = "") -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = "".join(
            f'<td class="num">{_e(v)}</td>' if c in numeric else f"<td>{_e(v)}</td>"
            for c, v in row.items()
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _img(data: str | None, alt: str) -> str:
    if data is None:
        return ""
    return f'<figure><img alt="{_e(alt)}" src="data:image/png;base64,{data}"><figcaption>{_e(alt)}</figcaption></figure>'


def _headline(traj: pd.DataFrame, diffs: pd.DataFrame, policies: list[str], year: int):
    """Absolute values (mean, 5–95 %) and differences (mean, 95 % CI) at ``year``."""
    at = traj[traj.year == year].set_index(["policy", "measure"])
    absolute, difference = [], []
    d = diffs[diffs.year == year].set_index(["policy", "measure"]) if not diffs.empty else None
    for column, (label, unit, scale, decimals) in HEADLINE.items():
        if (policies[0], column) not in at.index:
            continue
        name = f"{label} ({unit})" if unit else label
        row = {"measure": name}
        drow = {"measure": name}
        for policy in policies:
            r = at.loc[(policy, column)]
            row[policy] = (
                f"{_num(r['mean'] * scale, decimals)} "
                f"({_num(r['p05'] * scale, decimals)} to {_num(r['p95'] * scale, decimals)})"
            )
            if policy != "baseline" and d is not None and (policy, column) in d.index:
                q = d.loc[(policy, column)]
                drow[policy] = (
                    f"{_num(q['mean_difference'] * scale, decimals, True)} "
                    f"({_num(q['ci_low'] * scale, decimals, True)} to "
                    f"{_num(q['ci_high'] * scale, decimals, True)})"
                )
        absolute.append(row)
        difference.append(drow)
    return pd.DataFrame(absolute), pd.DataFrame(difference)


def _all_measures(traj: pd.DataFrame, diffs: pd.DataFrame, policies: list[str], year: int):
    """Every measure of metrics.parquet at ``year``: mean per policy, difference and CI."""
    at = traj[traj.year == year].pivot(index="measure", columns="policy", values="mean")
    at = at.reindex(columns=policies)
    out = pd.DataFrame({"measure": at.index})
    for policy in policies:
        out[policy] = [_num(v) for v in at[policy]]
    if not diffs.empty:
        d = diffs[diffs.year == year].set_index(["policy", "measure"])
        for policy in policies[1:]:
            out[f"{policy} − baseline (95 % CI)"] = [
                (
                    f"{_num(d.at[(policy, m), 'mean_difference'], sign=True)} "
                    f"({_num(d.at[(policy, m), 'ci_low'], sign=True)} to "
                    f"{_num(d.at[(policy, m), 'ci_high'], sign=True)})"
                )
                if (policy, m) in d.index
                else "–"
                for m in out["measure"]
            ]
    return out


def _places_view(places: pd.DataFrame, policies: list[str]) -> pd.DataFrame:
    view = places.pivot_table(
        index=["municipality", "place", "service", "open_start"],
        columns="policy",
        values=["open_end_mean", "seeds_keeping_one"],
        observed=True,
    )
    out = view.index.to_frame(index=False).rename(columns={"open_start": "open at start"})
    out["open at start"] = out["open at start"].astype(int)
    if out["municipality"].nunique() < 2:
        out = out.drop(columns="municipality")
    for policy in policies:
        mean = view[("open_end_mean", policy)].to_numpy()
        share = view[("seeds_keeping_one", policy)].to_numpy()
        out[f"{policy}: open at end (seeds keeping one)"] = [
            f"{m:.1f} ({100 * s:.0f} %)" for m, s in zip(mean, share, strict=True)
        ]
    return out


def write_report(
    folder: Path,
    runs: list[RunTables],
    policies: list[str],
    seeds: list[int],
    configs: dict,
    town,
    overrides: list[str],
    run_seconds: float,
    jobs: int,
) -> None:
    """The tables (CSV), figures (PNG) and report.html into ``folder``."""
    from sim.town import Town
    from sim.town_map import town_map_figure

    config = configs["baseline"]
    metrics = tables.stacked(runs, "metrics")
    last = int(metrics["year"].max())
    traj = tables.trajectories(metrics, policies)
    diffs = tables.differences(metrics, policies)
    costs = tables.costs(metrics, policies)
    cost_summary = tables.cost_summary(metrics, policies)
    ages = tables.ages(tables.stacked(runs, "ages"), policies)
    places = tables.places(tables.stacked(runs, "places"), policies)
    municipalities = tables.municipalities(tables.stacked(runs, "municipalities"), policies)
    settings = changed_settings(configs)
    facts = town_facts(town)
    per_run = pd.DataFrame([{**r.summary, "policy": r.policy} for r in runs]).sort_values(
        ["policy", "seed"]
    )
    csvs = {
        "trajectories.csv": (traj, "per policy, year and measure: mean, SD, 5/50/95 % over seeds"),
        "differences.csv": (
            diffs,
            "per policy, year and measure: policy − baseline on the same seeds, 95 % CI",
        ),
        "costs.csv": (costs, "per policy and year: the policy's cost, per resident, cumulated"),
        "cost_summary.csv": (
            cost_summary,
            "per policy: cost a year, in total, per resident and year",
        ),
        "age_structure.csv": (ages, "per policy, year and age group: residents and share"),
        "places.csv": (places, "per policy, place and service: open at the start and the end"),
        "municipalities.csv": (municipalities, "per policy, municipality and year"),
        "assumptions.csv": (settings, "settings that differ from the model's defaults"),
        "town.csv": (facts, "the town's places"),
        "runs.csv": (per_run, "one row per run: its summary"),
    }
    for name, (frame, _) in csvs.items():
        frame.to_csv(folder / name, index=False)

    shock = (
        (config.shock.kind.value, int(config.shock.year))
        if config.shock.kind.value != "none" and config.shock.year <= last
        else None
    )
    starts: dict[str, int] = {}
    for policy in policies:
        for lever, settings_ in configs[policy].policy.levers().items():
            starts[lever] = min(starts.get(lever, 10_000), int(settings_.start_year))
    ctx = figures.Context(town.name, policies, shock, starts, len(seeds))
    key = dict(figures.KEY_MEASURES.items())
    town_object = Town(town, config.qol)
    map_fig = town_map_figure(town_object, f"{town.name}: the town at the start")
    figs = {
        "key_measures": (
            figures.trajectories_figure(
                traj, ctx, key, "key measures per policy (band: 5–95 % of seeds)"
            ),
            "Key measures per policy over the years: line = mean over seeds, band = the range of 90 % of single seeds.",
        ),
        "differences": (
            figures.differences_figure(diffs, ctx, key),
            "Each policy minus the baseline on the same seeds: line = mean difference, band = its 95 % confidence interval.",
        ),
        "age_structure": (figures.ages_figure(ages, ctx), "Share of residents per age group."),
        "services": (figures.services_figure(traj, ctx), "Providers open per service type."),
        "qol_groups": (
            figures.qol_groups_figure(traj, ctx),
            "Mean quality of life of groups of residents.",
        ),
        "municipalities": (
            figures.municipalities_figure(municipalities, ctx),
            "Residents per municipality.",
        ),
        "town_map": (
            figures.png_base64(map_fig),
            "The town at the start: places, links, bus lines and providers.",
        ),
    }
    (folder / "figures").mkdir()
    for name, (data, _) in figs.items():
        if data is not None:
            (folder / "figures" / f"{name}.png").write_bytes(base64.b64decode(data))

    absolute, difference = _headline(traj, diffs, policies, last)
    shock_text = ctx.shock_text if config.shock.kind.value != "none" else "no shock"
    age_at_end = ages[ages.year == last].pivot(
        index="age_group", columns="policy", values="mean_share"
    )
    age_at_end = age_at_end.reindex([g for g, _, _ in AGE_GROUPS]).reindex(columns=policies)
    age_view = pd.DataFrame({"age group": age_at_end.index})
    for policy in policies:
        age_view[policy] = [f"{100 * v:.1f} %" for v in age_at_end[policy]]
    cost_view = cost_summary.copy()
    for c in cost_view.columns[1:]:
        cost_view[c] = [_num(v, 0) for v in cost_view[c]]
    cost_view.columns = [
        "policy",
        "total cost (EUR)",
        "cost a year (EUR)",
        "per resident and year (EUR)",
    ]
    muni_names = list(dict.fromkeys(municipalities["municipality"]))
    muni_view = ""
    if len(muni_names) > 1:
        m = municipalities[
            (municipalities.year == last)
            & municipalities.measure.isin(["population", "services_open", "debt_eur"])
        ]
        view = m.pivot_table(
            index=["municipality", "measure"], columns="policy", values="mean", observed=True
        ).reindex(columns=policies)
        view = view.reset_index()
        for policy in policies:
            view[policy] = [_num(v) for v in view[policy]]
        muni_view = _table(view, set(policies))
    settings_view = settings.copy()
    for c in ("value", "default"):
        settings_view[c] = [
            str(v) if len(str(v)) < 80 else str(v)[:77] + "…" for v in settings_view[c]
        ]
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "kleinstadt report " + " ".join(
        [
            *overrides,
            f"policies=[{','.join(policies)}]",
            f"seeds={len(seeds) if seeds == list(range(len(seeds))) else '[' + ','.join(map(str, seeds)) + ']'}",
            "out=…",
        ]
    )
    sections = [
        (
            "summary",
            "Summary",
            f"""
<p>After <strong>{last} years</strong>, mean over {len(seeds)} seeds per policy, in brackets the range of 90 % of single runs (5 % to 95 %):</p>
{_table(absolute, set(policies))}
<p>Each policy <strong>minus the baseline on the same seeds</strong>, in brackets the 95 % confidence interval of the mean difference. An interval that includes 0 means: not distinguishable from chance with these seeds.</p>
{_table(difference, set(policies[1:])) if len(policies) > 1 else "<p>Only the baseline was run.</p>"}
{_img(figs["key_measures"][0], figs["key_measures"][1])}
{_img(figs["differences"][0], figs["differences"][1])}""",
        ),
        (
            "population",
            "Population and age structure",
            f"""
<p>Share of residents per age group after {last} years (mean over seeds):</p>{_table(age_view, set(policies))}
{_img(figs["age_structure"][0], figs["age_structure"][1])}""",
        ),
        (
            "services",
            "Services",
            f"""
{_img(figs["services"][0], figs["services"][1])}
<h3>Services kept per place</h3>
<p>Providers open per place at the start and, per policy, the mean open after {last} years and the share of seeds in which at least one is still open (new ones count too).</p>
{_table(_places_view(places, policies), set())}""",
        ),
        (
            "qol",
            "Quality of life by group",
            f"""
<p>Mean quality of life (0–1, the index each resident compares with the alternatives when deciding whether to stay) of age groups and of adults without a car.</p>
{_img(figs["qol_groups"][0], figs["qol_groups"][1])}""",
        ),
        (
            "costs",
            "Costs and the municipal budget",
            f"""
<p>The policies' own costs (what the levers cost the municipality or its funders; mean over seeds):</p>{_table(cost_view, set(cost_view.columns[1:]))}
<p>Costs per year and per resident: <code>costs.csv</code>; municipal debt over the years: the summary figure and <code>trajectories.csv</code> (measure <code>municipal_debt_eur</code>).</p>""",
        ),
    ]
    if muni_view:
        sections.append(
            (
                "municipalities",
                "Per municipality",
                f"""
<p>After {last} years, mean over seeds:</p>{muni_view}{_img(figs["municipalities"][0], figs["municipalities"][1])}""",
            )
        )
    sections += [
        (
            "town",
            "The town",
            f"""{_table(facts, {"residents", "dwellings", "jobs", "hinterland", "broadband"})}{_img(figs["town_map"][0], figs["town_map"][1])}""",
        ),
        (
            "all",
            f"All measures after {last} years",
            f"""
<p>Every column of the runs' <code>metrics.parquet</code> (described in the README), mean over seeds, and each policy minus the baseline with its 95 % confidence interval. Shares are fractions (0.25 = 25 %), money in EUR. Every year: <code>trajectories.csv</code> and <code>differences.csv</code>.</p>
{_table(_all_measures(traj, diffs, policies, last), set(policies), "small")}""",
        ),
        (
            "assumptions",
            "Assumptions used",
            f"""
<p>Settings of these runs that differ from the model's defaults (all other settings: the defaults, listed with their sources in docs/ODD.md §7). Role: <em>data</em> (from statistics), <em>structural</em> (how the model is set up), <em>uncertainty</em> (an assumption worth varying), <em>lever</em> (a policy's setting).</p>
{_table(settings_view, set()) if len(settings_view) else "<p>None: every setting is the default.</p>"}""",
        ),
        (
            "reading",
            "What this comparison shows, and what it does not",
            explanation(len(seeds), last, policies, shock_text, town.name),
        ),
        (
            "files",
            "Files",
            "<ul>"
            + "".join(f"<li><code>{n}</code>: {_e(d)}</li>" for n, (_, d) in csvs.items())
            + "<li><code>figures/</code>: the figures as PNG</li></ul>",
        ),
    ]
    nav = " · ".join(f'<a href="#{k}">{_e(t)}</a>' for k, t, _ in sections)
    body = "\n".join(
        f'<section id="{k}"><h2>{_e(t)}</h2>{content}</section>' for k, t, content in sections
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kleinstadt report: {_e(town.name)}</title><style>{STYLE}</style></head>
<body><header><h1>{_e(town.name)}: {len(policies)} policies compared</h1>
<p class="meta">Policies: {_e(", ".join(policies))} · {shock_text} · {last} years · {len(seeds)} seeds per policy ({len(runs)} runs, {run_seconds:.0f} s on {jobs} process{"es" if jobs > 1 else ""}) · {sum(p.residents for p in town.places):,} residents at the start · generated {generated} by kleinstadt</p>
<p class="meta"><code>{_e(command)}</code></p>
<nav>{nav}</nav></header>
{body}
</body></html>
"""
    (folder / "report.html").write_text(page, encoding="utf-8")
