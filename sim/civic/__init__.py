"""Citizens co-produce: change agents, initiatives, diffusion to critical mass, effects.

The source study's thesis: small-town quality of life is carried by its citizens ("bürgergetragene
Urbanität", seed-notes §2.0). Change agents notice gaps and start initiatives; initiatives
recruit through the social network (complex contagion: joining needs several involved ties);
below critical mass by their deadline they fail; launched ones need volunteer hours, burn out
when overloaded and decline, or become institutions after some years (seed-notes §3.2–3.5,
§4, §6.2–6.3, §7.5). Nothing here guarantees success: volunteering is voluntary.

Effects work through the model's existing mechanisms: a cooperative shop is a grocery provider
with a lower break-even; a citizen bus adds bus service on links; a pool cooperative keeps
the pool open and carries part of its deficit; coworking draws remote workers where broadband
allows; the others add to civic life (a quality-of-life component), a municipal income or
housing for seniors.

The package: ``system`` (the yearly order, ideas, members, records), ``gaps``, ``lifecycle``
(starts, phases, launch and end), ``recruitment`` (support and contagion), ``effects``
(follow-ups, civic life and what other modules read).
"""

from sim.civic.gaps import KIND_INDEX, KINDS
from sim.civic.system import CivicSystem

__all__ = ["KINDS", "KIND_INDEX", "CivicSystem"]
