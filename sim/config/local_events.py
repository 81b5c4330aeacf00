"""Config group ``local_events``: events that change a town's image and so its newcomers."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import param


@dataclass
class LocalEventsConfig:
    """Local events (sim/local_events.py; ODD §7.6): now and then a municipality makes the
    news, for good (a pioneer programme, a lighthouse project, a festival) or for ill (an
    accident, a scandal), and its image moves the arrivals of newcomers for a few years.
    Sources: [003] (small towns make the news "only through accidents or scandals"), [000]
    webtalk 3 ("Summer of Pioneers" in Wittenberge, Altena, Homberg), M-H3 (lighthouse effect);
    rates and sizes are assumptions. Set ``rate`` 0 to switch the source off.
    """

    rate: float = param(
        0.1,
        min=0,
        max=1,
        unit="1/yr",
        role="uncertainty",
        source="assumption (a town makes the regional news for something that changes its "
        "image about once a decade; [003], [000])",
        doc="yearly probability per municipality of an event that changes its image",
    )
    size_sd: float = param(
        0.2,
        min=0,
        max=2,
        unit="",
        role="uncertainty",
        source="assumption (an event moves newcomer arrivals by about ±20 % in its year; sign "
        "and size drawn, mean zero: good and bad news alike)",
        doc="SD of an event's shift of the image (log factor on newcomer arrivals)",
    )
    persistence: float = param(
        0.7,
        min=0,
        max=0.99,
        unit="1/yr",
        role="uncertainty",
        source="assumption (news fade: the image shift halves in about two years)",
        doc="share of last year's image shift that remains this year",
    )
