"""Config group ``civic.gaps``: what counts as a gap a change agent responds to, and how strong.

A gap (necessity, 0..1, per municipality and kind of initiative; sim/civic/gaps.py) raises the
chance that a change agent starts an initiative. A recent closure of the service an initiative
would replace is the strongest gap; unserved or isolated residents, a pool near the debt limit,
an empty centre or an ageing town with vacant dwellings are weaker ones (seed-notes §3.2, §6.2).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import param

CLOSURE = "assumption; direction seed-notes M-D2, SF26 (engagement after a closure is more likely): a closure is the strongest gap"
"""Source of the gaps after a closure."""

WEAKER = "assumption (a lasting shortage is a weaker call to act than a closure)"
"""Source of the gaps without a closure."""


def _gap(default: float, source: str, doc: str) -> float:
    return param(default, min=0, max=1, unit="", role="uncertainty", source=source, doc=doc)


@dataclass
class GapsConfig:
    """Thresholds and strengths of the gaps (sim/civic/gaps.py; seed-notes §3.2, §6.2)."""

    closure_years: int = param(
        3,
        min=1,
        max=50,
        unit="years",
        role="uncertainty",
        source="assumption (a closure is remembered as a loss for a few years)",
        doc="a closure (or shock) of a service counts as a gap for this many years",
    )
    coop_shop_closure_gap: float = _gap(
        1.0, CLOSURE, "cooperative-shop gap after a grocery closed in the municipality"
    )
    coop_shop_unserved_gap: float = _gap(
        0.5, WEAKER, "cooperative-shop gap while enough residents are unserved"
    )
    grocery_unserved_minutes: float = param(
        10.0,
        min=0,
        max=600,
        unit="min",
        role="uncertainty",
        source="assumption (a grocery more than 10 minutes' drive away is not a local one)",
        doc="residents more than this many car-minutes from a grocery are unserved",
    )
    coop_shop_unserved_residents: int = param(
        300,
        min=0,
        max=1000000,
        unit="residents",
        role="uncertainty",
        source="assumption (about the users a cooperative shop needs, coop break-even 350)",
        doc="unserved residents of a municipality from which there is a cooperative-shop gap",
    )
    coop_shop_site_minutes: float = param(
        5.0,
        min=0,
        max=600,
        unit="min",
        role="uncertainty",
        source="assumption (a cooperative shop serves a place not within a short drive of a grocery)",
        doc="without a grocery closure, a cooperative shop opens at the most populous place more than this many car-minutes from a grocery (else at the centre)",
    )
    citizen_bus_closure_gap: float = _gap(
        1.0, CLOSURE, "citizen-bus gap after a bus line closed in the municipality"
    )
    citizen_bus_far_gap: float = _gap(
        0.5, WEAKER, "citizen-bus gap while enough residents without a car are far from the centre"
    )
    citizen_bus_far_minutes: float = param(
        30.0,
        min=0,
        max=600,
        unit="min",
        role="uncertainty",
        source="assumption (half an hour or more without a car is too far for daily trips)",
        doc="residents without a car (aged services.bus_rider_min_age or more) more than this many minutes from their municipality's centre are far",
    )
    citizen_bus_far_people: int = param(
        50,
        min=0,
        max=1000000,
        unit="residents",
        role="uncertainty",
        source="assumption (about the riders a citizen bus serves)",
        doc="far residents without a car from which there is a citizen-bus gap",
    )
    pool_closure_gap: float = _gap(1.0, CLOSURE, "pool-cooperative gap after the pool closed")
    pool_debt_gap: float = _gap(
        0.7,
        "assumption (a pool near the debt limit is the next to be cut, seed-notes §2.2 Nörten-Hardenberg)",
        "pool-cooperative gap while the municipality has a pool and its debt is near the limit",
    )
    pool_debt_share: float = param(
        0.8,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption (near the debt limit, voluntary tasks are the first to be questioned)",
        doc="the pool is at risk when debt per resident exceeds this share of the municipality's debt limit",
    )
    community_house_pub_closure_gap: float = _gap(
        0.7,
        "assumption; direction seed-notes M-D2 (a pub closure loses a meeting place)",
        "community-house gap after a pub closed",
    )
    community_house_no_pub_gap: float = _gap(
        0.5,
        WEAKER,
        "community-house gap without a pub, or with an empty centre (vacancy above centre_vacancy)",
    )
    centre_vacancy: float = param(
        0.08,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (well above housing.natural_vacancy, the centre looks empty)",
        doc="vacancy at the centre above which there is a community-house gap",
    )
    coworking_gap: float = _gap(
        0.3,
        "assumption; broadband gate seed-notes M-G1",
        "coworking gap where the centre's broadband reaches civic.coworking_broadband_min",
    )
    energy_coop_gap: float = _gap(
        0.3, "assumption (energy transition is a standing task everywhere)", "energy-coop gap"
    )
    senior_cohousing_gap: float = _gap(
        0.5, WEAKER, "senior co-housing gap in an old municipality with vacant dwellings"
    )
    senior_cohousing_old_age: int = param(
        65,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption (65+: the usual statistical age of seniors)",
        doc="residents this old or older count towards the old share",
    )
    senior_cohousing_old_share: float = param(
        0.25,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (above the German share of 65+, about 22 % in 2020)",
        doc="old share above which (with vacancy) there is a senior co-housing gap",
    )
    senior_cohousing_vacancy: float = param(
        0.05,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (above housing.natural_vacancy, the 2–3 % fluctuation reserve)",
        doc="vacancy in the municipality above which (with an old population) there is a senior co-housing gap",
    )
    participation_gap: float = _gap(
        0.2, "assumption (participation is always possible, rarely urgent)", "participation gap"
    )
