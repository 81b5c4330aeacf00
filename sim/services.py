"""Services in a town with little redundancy: demand, viability, closures, successions, entry.

Every resident uses the nearest open provider of a kind by travel time for their mode; the
destinations (regional centre, metropolis) offer every service and are the fallback. Demand is
computed per (place, mode, age) with one ``bincount`` and matrix products, not per resident
(seed-notes §2.2, §2.5, §2.6, §6.1, §7.3):

- users of a kind = residents weighted by the kind's need by age (GP contacts rise with age,
  school for 6–10, ...), normalised so the average German resident has need 1;
- a share leaks to the regional centre, more the closer it is; online trade takes its cut
  (an exogenous yearly path); a provider loses part of its demand when its anchor (e.g. a GP
  for a pharmacy) is not open at its place;
- fixed costs are set so that a provider breaks even at the kind's threshold (a supermarket at
  about 5,000 users, a pharmacy at 3,800, a GP practice at 1,600 per doctor's worth of users).

A provider that loses money for ``loss_years`` closes; owners retire and find a successor
with a chance that rises with profitability and the town's attractiveness; entrants open
where a new provider would be viable. The municipality keeps or closes its own services.
Shocks (sim/shocks.py) and the municipal budget (sim/budget.py) close providers through
``close``. The access tables (who reaches which provider how fast) are kept by
:class:`~sim.accessibility.Accessibility`; this system tells it which providers are open.
Every opening, closure and succession goes to the town's event log (sim/events.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim import bus_lines, data
from sim.accessibility import CHANNELS, DEMAND_KINDS, SHOP, SUPERMARKET, Accessibility, Channel
from sim.agents.municipality import Municipality
from sim.agents.provider import Provider, draw_owner_age, fixed_cost
from sim.config import Operator, ServiceType, ServiceTypeConfig
from sim.entry import entries
from sim.events import EventLog
from sim.randomness import SlotKeys
from sim.service_drivers import (
    fixed_cost_factor,
    online_share,
    revenue_factor,
    successor_probability,
)
from sim.town import CAR, NO_CAR

if TYPE_CHECKING:
    from sim.model import TownModel
    from sim.policies import Effects

HEAD_COUNT_KINDS = (ServiceType.primary_school, ServiceType.kindergarten)
"""Kinds whose need weights are attendance rates, so users are head counts (not normalised)."""

__all__ = [
    "CHANNELS",
    "DEMAND_KINDS",
    "EMPLOYER_KINDS",
    "RESIDENT_KINDS",
    "SHOP",
    "SUPERMARKET",
    "Channel",
    "ServiceSystem",
]

RESIDENT_KINDS = tuple(k for k in DEMAND_KINDS if k is not ServiceType.crafts)
"""Kinds residents travel to; each has travel_min_<kind> and share_over_15min_<kind> columns."""

EMPLOYER_KINDS = (ServiceType.crafts, ServiceType.manufacturer)
"""Employers among the providers: jobs, but not a service residents go to."""


def need_by_age(bands: dict[str, float]) -> np.ndarray:
    """Need weight for each single age, normalised to mean 1 over the German population.

    A kind with zero need for most ages (schools) is normalised over the ages that need it.
    """
    weights = np.zeros(data.MAX_AGE + 1)
    for label, value in bands.items():
        low, high = data.parse_band(label)
        weights[low : high + 1] = value
    return weights


class ServiceSystem:
    """All providers of the town, their yearly accounts and the events they produce.

    Attributes:
        providers: open providers (Mesa ``Provider`` agents), in order of opening.
        municipalities: one Municipality agent per municipality (one for a single town).
        access: the access tables it keeps up to date (shared with quality of life).
        events: the town's event log (openings, closures, successions, shocks).
        year_counts: closures, openings, successions and shock closures this year.
    """

    def __init__(
        self,
        model: TownModel,
        access: Accessibility,
        events: EventLog,
        on_network_changed: Callable[[], None],
    ) -> None:
        """An empty system: ``open_initial`` opens the town's providers.

        Args:
            on_network_changed: called after a bus line opened or closed changed travel
                times (the model recomputes what depends on them, including ``access``).
        """
        self.model = model
        self.cfg = model.config.services
        self.access = access
        self.events = events
        self.on_network_changed = on_network_changed
        self.need = {
            kind: need_by_age(getattr(self.cfg, kind.name).need_by_age) for kind in ServiceType
        }
        self.providers: list[Provider] = []
        self.municipalities: list[Municipality] = []
        self.base_jobs = model.town.jobs.copy()
        self.year_counts = {"closures": 0, "openings": 0, "successions": 0, "shocks": 0}
        self._network_dirty = False
        self._dirty: set[Channel] = set()
        self._lost_jobs: list[tuple[int, float]] = []
        self._keys = SlotKeys()  # stable keys of providers (sim/randomness.py)
        self.market_history: dict[Channel, list[np.ndarray]] = {}  # demand at places, yearly

    def open_initial(self) -> None:
        """The town's providers and municipalities, its bus lines, jobs and access tables.

        The caller refreshes job choice afterwards (jobs changed).
        """
        town = self.model.town
        self.base_jobs = town.jobs.copy()
        for item in town.config.providers:
            place = town.index[item.place]
            route = [town.index[name] for name in item.route]
            for _ in range(item.count):
                self.open_provider(
                    item.type,
                    place,
                    item.format or ("supermarket" if item.type is ServiceType.grocery else ""),
                    staff=item.staff,
                    route=route,
                    initial=True,
                )
        self.municipalities = [Municipality(self.model, m) for m in range(town.n_municipalities)]
        self._normalise_needs()
        self._apply_bus_lines()
        self.update_jobs()
        self.refresh_access()

    # -- setup ----------------------------------------------------------------------------

    def _normalise_needs(self) -> None:
        """Scale needs so the average person of the Destatis 2020 population has need 1.

        Not for schools and kindergartens: their weights are attendance rates (head counts).
        """
        profile = data.age_distribution(self.model.town.config.region.value).mean(axis=0)
        for kind, weights in list(self.need.items()):
            mean = float(profile @ weights)
            if kind not in HEAD_COUNT_KINDS and mean > 0:
                self.need[kind] = weights / mean

    def settings_for(self, kind: ServiceType, fmt: str) -> ServiceTypeConfig:
        if kind is ServiceType.grocery and fmt in ("shop", "coop"):
            return self.cfg.grocery_shop if fmt == "shop" else self.cfg.grocery_coop
        return getattr(self.cfg, kind.name)

    def open_civic(self, kind: ServiceType, place: int, fmt: str, initiative) -> Provider:
        """A provider opened by a citizens' initiative (a cooperative shop, a reopened pool)."""
        provider = self.open_provider(
            kind,
            place,
            fmt,
            reason=f"opened by a {initiative.kind.value.replace('_', ' ')} initiative",
        )
        provider.operated_by = initiative
        self.after_changes()
        return provider

    def _owner_age(self, kind: ServiceType, initial: bool, key: int) -> int:
        rng = self.model.generator("owner_age", key)
        return draw_owner_age(rng, self.cfg, kind, initial)

    # -- opening and closing ----------------------------------------------------------------

    def open_provider(
        self,
        kind: ServiceType,
        place: int,
        fmt: str = "",
        staff: int | None = None,
        route: list[int] | None = None,
        initial: bool = False,
        reason: str = "",
    ) -> Provider:
        settings = self.settings_for(kind, fmt)
        key = self._keys.next(kind.value, fmt, place, self.model.year)  # keys its own draws
        owner_age = (
            self._owner_age(kind, initial, key) if settings.operator is Operator.private else None
        )
        provider = Provider(
            self.model,
            kind,
            settings,
            place,
            fmt=fmt,
            owner_age=owner_age,
            staff=staff,
            route=route,
        )
        provider.key = key
        self.providers.append(provider)
        self._mark_dirty(provider)
        if not initial:
            self.year_counts["openings"] += 1
            self._event("opening", provider, reason)
            if kind is ServiceType.bus_line:
                self._network_dirty = True
        return provider

    def close(self, provider: Provider, reason: str, kind: str = "closure") -> None:
        """Close a provider: it leaves the model; its users go to the next nearest one."""
        self.providers.remove(provider)
        self._mark_dirty(provider)
        if kind == "closure":
            self.year_counts["closures"] += 1
        else:
            self.year_counts["shocks"] += 1
        self._event(kind, provider, reason)
        if provider.kind is ServiceType.bus_line:
            self._network_dirty = True
        if provider.staff > 0:
            self._lost_jobs.append((provider.place, provider.staff))
        provider.remove()

    def _mark_dirty(self, provider: Provider) -> None:
        if provider.kind in DEMAND_KINDS:
            self._dirty.add((provider.kind, provider.channel_format))

    def _event(self, kind: str, provider: Provider, reason: str) -> None:
        self.events.add(
            int(self.model.time),
            kind,
            provider.kind.value,
            provider.format,
            provider.place_name,
            reason,
            int(provider.unique_id),
        )

    @property
    def municipality(self) -> Municipality:
        """The (first) municipality; a single town has only this one."""
        return self.municipalities[0]

    def providers_of(self, municipality: int) -> list[Provider]:
        return [p for p in self.providers if p.municipality == municipality]

    def open_of(self, kind: ServiceType) -> list[Provider]:
        return [p for p in self.providers if p.kind is kind]

    def count_at_places(self, providers: list[Provider]) -> np.ndarray:
        places = np.array([p.place for p in providers], dtype=np.int64)
        return np.bincount(places, minlength=self.model.town.n_places)

    def open_in(self, channel: Channel) -> list[Provider]:
        kind, fmt = channel
        return [p for p in self.providers if p.kind is kind and p.channel_format == fmt]

    # -- bus lines -------------------------------------------------------------------------

    def _apply_bus_lines(self) -> None:
        """Edges of municipal bus lines carry a bus only while a line serving them is open."""
        if bus_lines.apply(self.model.town, self.open_of(ServiceType.bus_line)):
            self.on_network_changed()

    # -- the year ---------------------------------------------------------------------------

    def begin_year(self) -> None:
        """Reset this year's counts (before shocks close anything)."""
        self.year_counts = dict.fromkeys(self.year_counts, 0)

    def year(self, attractiveness: float, effects: Effects, blocked: set[ServiceType]) -> None:
        """Demand and accounts, decisions, entries (shocks come before, the budget after).

        Args:
            attractiveness: the town's attractiveness to families this year (after shocks),
                which helps owners find a successor.
            effects: this year's policy effects.
            blocked: kinds no new provider of may open this year (after a shock).
        """
        counts = self._place_mode_age_counts()
        self._accounts(counts, effects)
        self._decisions(attractiveness, effects)
        self.after_changes()
        entries(self, counts, effects, blocked)
        self.after_changes()

    def after_changes(self) -> None:
        """Apply bus-line changes to the network and refresh the access tables that changed."""
        if self._network_dirty:
            self._network_dirty = False
            self._apply_bus_lines()
        dirty, self._dirty = self._dirty, set()
        self.refresh_access(dirty)

    def lose_jobs(self, place: int, jobs: float) -> None:
        """``jobs`` jobs at ``place`` are gone (an employer shrank): holders look for work."""
        self._lost_jobs.append((place, jobs))

    def take_lost_jobs(self) -> list[tuple[int, float]]:
        """(place, jobs) of the providers closed since the last call; their staff look for work."""
        lost, self._lost_jobs = self._lost_jobs, []
        return lost

    def _place_mode_age_counts(self) -> np.ndarray:
        """Residents by place, mode and single age: array (P, 2, MAX_AGE + 1)."""
        pop = self.model.population
        p = pop.people
        rows = pop.alive_rows
        size = data.MAX_AGE + 1
        mode = np.where(p.has_car[rows], CAR, NO_CAR)
        key = (pop.person_place(rows) * 2 + mode) * size + np.minimum(p.age[rows], data.MAX_AGE)
        return np.bincount(key, minlength=self.model.town.n_places * 2 * size).reshape(
            self.model.town.n_places, 2, size
        )

    def online_share(self) -> float:
        """This year's online share (linear between the configured years)."""
        return online_share(self.cfg, self.model.time)

    def leak_factor(self, settings: ServiceTypeConfig) -> np.ndarray:
        """Share of demand that stays in town, by (place, mode): array (P, 2)."""
        town = self.model.town
        target = town.regional_centre_or_metropolis
        minutes = town.minutes[:, :, target].T  # (P, 2)
        return 1.0 - settings.leakage_max * np.exp(-minutes / self.cfg.leakage_scale_minutes)

    def demand_by_place(
        self, users: np.ndarray, nearest_place: np.ndarray, leak: np.ndarray
    ) -> np.ndarray:
        """Users (after leakage) arriving at each place: array (P,).

        Args:
            users: by (place, mode); nearest_place: (mode, place), -1 for a destination.
        """
        valid = nearest_place >= 0  # (2, P); -1: the nearest is a destination
        mode, home = np.nonzero(valid)
        weights = users[home, mode] * leak[home, mode]
        return np.bincount(
            nearest_place[mode, home], weights=weights, minlength=self.model.town.n_places
        )

    def users(self, kind: ServiceType, counts: np.ndarray) -> np.ndarray:
        """Need-weighted users by (place, mode), residents plus the hinterland (by car)."""
        users = counts @ self.need[kind]
        share = getattr(self.cfg, kind.name).hinterland_share
        if share > 0:
            users[:, CAR] += self.model.town.hinterland * share
        return users

    def revenue_weights(self, channel: Channel, users: np.ndarray) -> np.ndarray:
        """Users of a channel by (place, mode), weighted by the share of the kind's spending
        that goes to it: a shop gets the top-up shopping of those for whom it is nearer than
        the nearest supermarket; the supermarket gets the rest (seed-notes M-R4, M-R5)."""
        if channel[0] is not ServiceType.grocery:
            return users
        top_up = (
            self.access.channel_minutes[SHOP] < self.access.channel_minutes[SUPERMARKET]
        ).T  # (P, 2)
        if channel == SHOP:
            return users * top_up
        shop_part = self.cfg.grocery_shop.spend_per_person_eur / max(
            self.cfg.grocery.spend_per_person_eur, 1e-9
        )
        return users * (1.0 - min(shop_part, 1.0) * top_up)

    def _accounts(self, counts: np.ndarray, effects: Effects) -> None:
        """Users, revenue, cost and staff of every open provider for this year."""
        time = float(self.model.time)
        for channel in CHANNELS:
            providers = self.open_in(channel)
            if not providers:
                continue
            kind = channel[0]
            settings = self.settings_for(*channel)
            users = self.revenue_weights(channel, self.users(kind, counts))  # (P, 2)
            at_place = self.demand_by_place(
                users, self.access.channel_place[channel], self.leak_factor(settings)
            )
            per_place = self.count_at_places(providers)
            anchor_places = (
                {p.place for p in self.open_of(settings.anchor)}
                if settings.anchor is not None
                else set()
            )
            for provider in providers:
                s = provider.settings
                share = at_place[provider.place] / per_place[provider.place]
                provider.users = float(share)
                revenue = share * s.spend_per_person_eur * revenue_factor(self.cfg, s, time)
                if s.anchor is not None and provider.place not in anchor_places:
                    revenue *= 1.0 - s.anchor_share
                provider.revenue_eur = float(revenue)
                if provider.is_municipal:
                    provider.cost_eur = (
                        fixed_cost(s) * effects.municipal_fixed_cost_factor
                        + s.cost_per_user_eur * share
                    )
                else:
                    provider.cost_eur = (
                        fixed_cost(s) * fixed_cost_factor(self.cfg, s, time)
                        + s.variable_cost_share * revenue
                    )
                provider.update_staff()
        for line in self.open_of(ServiceType.bus_line):
            # Riders: people (bus_rider_min_age+) without a car along the line, outside its centre.
            centre = self.model.town.centres[line.municipality]
            stops = [place for place in line.route if place != centre]
            riders = float(counts[stops, NO_CAR, self.cfg.bus_rider_min_age :].sum())
            line.users = riders
            line.revenue_eur = riders * line.settings.spend_per_person_eur
            line.cost_eur = fixed_cost(line.settings)
            line.update_staff()
        for firm in self.open_of(ServiceType.manufacturer):
            working_age = slice(self.cfg.labour_age_min, self.cfg.labour_age_max + 1)
            firm.users = float(counts[:, :, working_age].sum())  # the town's labour pool
            firm.revenue_eur = firm.cost_eur = 0.0
            firm.update_staff()

    def _legally_kept(self, provider: Provider) -> bool:
        """The last provider of a kind the law requires in a municipality that is big enough."""
        minimum = provider.settings.legal_min_population
        if minimum <= 0:
            return False
        municipality = self.municipalities[provider.municipality]
        same = sum(
            1 for p in self.open_of(provider.kind) if p.municipality == provider.municipality
        )
        return municipality.residents > minimum and same == 1

    def _spared_competitors(self) -> set[int]:
        """Keys of providers that would close for losses this year but stay, because a
        competitor of their channel at their place closes first.

        Providers of one channel at one place split the place's demand equally, so when the
        place carries fewer of them they all lose money alike; without this rule they all
        closed in the same year and a town that carries one supermarket was left with none. Of
        such a group only the weakest closes: the lowest profit (a cooperative shop against a
        village shop), and on a tie (providers of one kind at one place earn alike) a fixed,
        arbitrary order, the providers' random-number keys. The others' demand is recounted
        next year, when they close too if they still lose money. A spared provider can still
        close in the same year when its owner retires without a successor.
        """
        due: dict[tuple[ServiceType, str, int], list[Provider]] = {}
        for p in self.providers:
            if p.is_municipal or p.kind not in DEMAND_KINDS or p.profit_eur >= 0:
                continue
            if p.loss_years + 1 >= p.settings.loss_years:
                due.setdefault((p.kind, p.channel_format, p.place), []).append(p)
        spared: set[int] = set()
        for group in due.values():
            weakest = min(group, key=lambda p: (p.profit_eur, -p.key))
            spared.update(p.key for p in group if p is not weakest)
        return spared

    def _decisions(self, attractiveness: float, effects: Effects) -> None:
        """Losses, minimum users, owners' retirement and succession, the labour pool."""
        streams, year = self.model.streams, self.model.year
        cfg = self.cfg
        keys = np.array([p.key for p in self.providers], dtype=np.int64)
        retires = dict(
            zip(keys.tolist(), streams.uniform("owner_retires", year, keys), strict=True)
        )
        succeeds = dict(zip(keys.tolist(), streams.uniform("successor", year, keys), strict=True))
        spared = self._spared_competitors()
        for provider in list(self.providers):
            s = provider.settings
            if provider.kind is ServiceType.manufacturer:
                short = provider.users < cfg.manufacturer_labour_ratio * provider.staff
                provider.loss_years = provider.loss_years + 1 if short else 0
                if provider.loss_years >= s.loss_years:
                    self.close(provider, "not enough working-age residents to recruit from")
                continue
            if provider.is_municipal:
                below = s.min_users > 0 and provider.users < s.min_users
                provider.loss_years = provider.loss_years + 1 if below else 0
                if provider.loss_years >= s.loss_years and not self._legally_kept(provider):
                    reason = (
                        "too few riders"
                        if provider.kind is ServiceType.bus_line
                        else "below the minimum number of users"
                    )
                    self.close(provider, reason)
                continue
            provider.loss_years = provider.loss_years + 1 if provider.profit_eur < 0 else 0
            if (
                provider.loss_years >= s.loss_years
                and provider.key not in spared
                and not self._legally_kept(provider)
            ):
                self.close(provider, f"losses for {provider.loss_years} years")
                continue
            if provider.owner_age is None:
                continue
            provider.owner_age += 1
            age = provider.owner_age
            hazard = (
                0.0
                if age < cfg.retirement_hazard_60_64_from_age
                else cfg.retirement_hazard_60_64
                if age < cfg.retirement_hazard_65_69_from_age
                else cfg.retirement_hazard_65_69
                if age < cfg.retirement_hazard_70_plus_from_age
                else cfg.retirement_hazard_70_plus
            )
            if retires[provider.key] >= hazard:
                continue
            p_success = successor_probability(
                cfg,
                s.succession_base + effects.succession_bonus,
                provider.margin,
                attractiveness,
                age,
                float(self.model.time),
            )
            if succeeds[provider.key] < p_success:
                provider.owner_age = self._owner_age(provider.kind, False, provider.key)
                self.year_counts["successions"] += 1
                self._event("succession", provider, "owner retired, successor found")
            elif not self._legally_kept(provider):
                self.close(provider, "owner retired without successor")

    # -- access and jobs --------------------------------------------------------------------

    def refresh_access(self, channels: set[Channel] | None = None) -> None:
        """Refresh the access tables for the open providers (only ``channels`` if given)."""
        self.access.refresh(self.providers, channels)

    def update_jobs(self) -> None:
        """Jobs at each place: the configured base plus the staff of open providers (the caller
        then refreshes job choice)."""
        town = self.model.town
        staff = (
            np.bincount(
                [p.place for p in self.providers],
                weights=[p.staff for p in self.providers],
                minlength=town.n_places,
            )
            if self.providers
            else np.zeros(town.n_places)
        )
        town.jobs = self.base_jobs + staff
