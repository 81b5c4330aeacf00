"""The report's fixed text: its stylesheet (screen and print) and the plain-language section
on what a comparison shows and does not show."""

from __future__ import annotations

import html

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
  max-width: 1150px; margin: 0 auto; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
.meta { color: #444; font-size: 0.9rem; margin: 0.2rem 0; }
nav { margin: 0.8rem 0; font-size: 0.9rem; }
nav a { color: #0072B2; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f6f9; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.small { font-size: 0.75rem; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #444; }
code { font-size: 0.85em; background: #f4f4f4; padding: 0 0.2em; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-before: auto; }
  figure, table, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  table.small { font-size: 7pt; }
}
"""


def explanation(seeds: int, years: int, policies: list[str], shock: str, town: str) -> str:
    """What the comparison does and does not show, in plain words (HTML)."""
    others = [p for p in policies if p != "baseline"]
    named = ", ".join(others) if others else "no other policy"
    return f"""
<h3>What was done</h3>
<p>The model simulated {html.escape(town)} {seeds} times for {years} years under the
baseline (no policy lever) and under {html.escape(named)}, with {html.escape(shock)}. Each
of the {seeds} runs (a <em>seed</em>) is a different but equally plausible history: who is
born, dies, moves away or arrives, which shop owner finds a successor. Every policy was run
on the <strong>same seeds</strong>: in a policy's run with seed 3 the same people make the
same choices as in the baseline's run with seed 3 until a lever starts to act, and afterwards
the runs differ mostly through what the policy itself causes. The differences from the
baseline are therefore measured seed by seed (paired), which removes most of the chance.</p>

<h3>How to read the numbers</h3>
<ul>
<li><strong>Mean and range</strong> (the absolute tables and the bands in the first figures):
the average over the seeds and the range in which 90 % of single runs lie. The range says how
differently the same town can develop by chance alone.</li>
<li><strong>Difference and confidence interval</strong>: the average difference between a
policy and the baseline on the same seeds, with its 95 % confidence interval. If the interval
includes 0, these seeds cannot tell the policy's effect from chance: run more seeds
(the interval shrinks roughly with the square root of the number of seeds) before reading
much into it.</li>
<li><strong>Costs</strong> are the levers' own costs as the model books them; they do not
include what residents, businesses or other levels of government spend or save.</li>
</ul>

<h3>What it shows</h3>
<p>How the town develops in the model under each policy compared with doing nothing, given
the model's assumptions and the settings listed under <em>Assumptions used</em>, and how sure
these seeds make that difference. It is a way to compare options consistently and to see
which mechanisms (services, migration, citizens' initiatives, the municipal budget) carry an
effect.</p>

<h3>What it does not show</h3>
<ul>
<li><strong>Not a forecast.</strong> The sources the model is built on (the BBSR study
"Urbane Kleinstädte" and related texts) give directions of effects, rarely their size; many
parameters are assumptions (role <em>uncertainty</em> in the parameter table). Read the
results as "what follows from these assumptions", and vary the assumptions that matter to
your question (any setting can be changed on the command line).</li>
<li><strong>Only what is in the model.</strong> Regional economic change, federal and state
programmes, climate, housing policy of the neighbours and many local particulars are not
modelled; a policy's real effect depends on how it is carried out.</li>
<li><strong>The confidence interval covers chance, not the model's assumptions.</strong> A
narrow interval means the seeds agree, not that the model is right.</li>
<li><strong>Towns built from files</strong> are as good as the figures put in; check the town
table and map above against what you know.</li>
</ul>
"""
