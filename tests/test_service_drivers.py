"""The drivers of service change (issue #11, sim/service_drivers.py, sim/entry.py).

Mechanism tests on hand-built tiny towns where the direction can be reasoned out.
"""

from __future__ import annotations

import itertools

import pytest
from conftest import tiny_config

from sim.config import Config, ProviderConfig, ServiceType
from sim.model import TownModel
from sim.service_drivers import revenue_factor, successor_probability

GROCERY, BAKERY = ServiceType.grocery, ServiceType.bakery
SUPERMARKET, SHOP = (GROCERY, "supermarket"), (GROCERY, "shop")


def _config(
    *providers: ProviderConfig, years: int = 8, seed: int = 0, residents: int = 1500
) -> Config:
    """A tiny town (Mitte and a village, Dorf, of a quarter its size) with only the drivers
    under test: no entry, no retirement, no other driver, and no citizens' initiatives (a
    cooperative shop would answer a closure; tests/test_civic.py tests that)."""
    cfg = tiny_config(years=years, seed=seed, residents=residents)
    cfg.civic.change_agent_share = 0.0
    cfg.town.providers = list(providers)
    s = cfg.services
    s.entrepreneurial_climate = 0.0
    s.retirement_hazard_60_64 = s.retirement_hazard_65_69 = s.retirement_hazard_70_plus = 0.0
    s.chain_catchment_growth = s.independent_margin_squeeze = 0.0
    return cfg


def _users_after_one_year(cfg: Config) -> dict[tuple[str, str], float]:
    """Users of each grocery provider after one year, by (place, format)."""
    model = TownModel(cfg)
    model.step()
    return {(p.place_name, p.format): p.users for p in model.services.open_of(GROCERY)}


def _open_after(cfg: Config, years: int) -> list[tuple[str, str]]:
    model = TownModel(cfg)
    for _ in range(years):
        model.step()
    return sorted((p.place_name, p.format) for p in model.services.open_of(GROCERY))


def test_drivers_are_neutral_at_the_start():
    cfg = Config().services
    for kind in ServiceType:
        assert revenue_factor(cfg, getattr(cfg, kind.name), 0.0) == pytest.approx(1.0)
    assert revenue_factor(cfg, cfg.bank, 30.0) < revenue_factor(cfg, cfg.bank, 10.0) < 1.0
    assert revenue_factor(cfg, cfg.grocery_shop, 30.0) < revenue_factor(cfg, cfg.grocery, 30.0)


def test_a_higher_online_share_closes_the_marginal_shops_first():
    """Two shops, a big one in Mitte and a small one in Dorf, the small one just above its
    break-even: a steep rise of the online share closes the small one, not the big one."""
    shops = (
        ProviderConfig(type=GROCERY, place="Mitte", format="shop"),
        ProviderConfig(type=GROCERY, place="Dorf", format="shop"),
    )
    for seed in range(3):
        probe = _users_after_one_year(_config(*shops, seed=seed))
        small, big = probe[("Dorf", "shop")], probe[("Mitte", "shop")]
        assert big > 2 * small

        def run(schedule: list, seed: int = seed, small: float = small) -> list:
            cfg = _config(*shops, seed=seed)
            cfg.services.grocery_shop.break_even_population = 0.8 * small
            cfg.services.online_share = schedule
            return _open_after(cfg, 6)

        assert run([[0, 0.13], [30, 0.13]]) == [("Dorf", "shop"), ("Mitte", "shop")]
        assert run([[0, 0.13], [1, 0.9]]) == [("Mitte", "shop")]


def test_chain_formats_concentrate_in_the_larger_place_and_take_the_independents_share():
    """A supermarket in Mitte and a smaller one in Dorf, each viable at the start, and a shop
    in Dorf: growing minimum catchments close the supermarket of the smaller place first (its
    customers go to Mitte); the squeeze on independents closes the shop; the chain formats'
    share of grocers rises."""
    grocers = (
        ProviderConfig(type=GROCERY, place="Mitte"),
        ProviderConfig(type=GROCERY, place="Dorf"),
    )
    for seed in range(3):
        probe = _users_after_one_year(_config(*grocers, seed=seed, residents=6000))
        small, big = probe[("Dorf", "supermarket")], probe[("Mitte", "supermarket")]
        assert big > 2 * small

        def run(growth: float, seed: int = seed, small: float = small) -> list:
            cfg = _config(*grocers, seed=seed, residents=6000)
            cfg.services.grocery.break_even_population = 0.8 * small
            cfg.services.chain_catchment_growth = growth
            return _open_after(cfg, 8)

        assert run(0.0) == [("Dorf", "supermarket"), ("Mitte", "supermarket")]
        assert run(0.05) == [("Mitte", "supermarket")]

    def supermarket_share(squeeze: float, seed: int) -> float:
        cfg = _config(
            ProviderConfig(type=GROCERY, place="Mitte"),
            ProviderConfig(type=GROCERY, place="Dorf", format="shop"),
            seed=seed,
            residents=6000,
            years=10,
        )
        cfg.services.independent_margin_squeeze = squeeze
        open_ = _open_after(cfg, 10)
        return sum(1 for _, fmt in open_ if fmt == "supermarket") / max(len(open_), 1)

    for seed in range(3):
        assert supermarket_share(0.0, seed) == 0.5
        assert supermarket_share(0.15, seed) == 1.0


def test_entry_needs_an_unserved_or_growing_market():
    """Mitte (16,000 people) has one supermarket and could carry two; a second opens only when
    the gate is off (any market counts as growing), not while the market is served and flat."""

    def supermarkets(growth_min: float, seed: int) -> int:
        cfg = _config(ProviderConfig(type=GROCERY, place="Mitte"), seed=seed, residents=16000)
        cfg.services.entrepreneurial_climate = 1.0
        cfg.services.entry_growth_years = 1
        cfg.services.entry_growth_min = growth_min
        model = TownModel(cfg)
        for _ in range(4):
            model.step()
        return sum(1 for p in model.services.open_in(SUPERMARKET) if p.place_name == "Mitte")

    for seed in range(2):
        assert supermarkets(0.1, seed) == 1
        assert supermarkets(-1.0, seed) >= 2


def test_successors_get_fewer_with_owner_age_and_over_time():
    cfg = Config().services
    by_age = [successor_probability(cfg, 0.5, 0.1, 0.3, age, 5.0) for age in range(60, 80, 2)]
    assert all(a >= b for a, b in itertools.pairwise(by_age))
    assert by_age[-1] < by_age[0]
    by_year = [successor_probability(cfg, 0.5, 0.1, 0.3, 66, t) for t in range(0, 31, 5)]
    assert all(a > b for a, b in itertools.pairwise(by_year))


def test_older_owners_find_fewer_successors_in_the_town():
    """Bakers who retire at 66 against the same bakers retiring at 76 (paired draws)."""

    def successions(age: int) -> int:
        found = 0
        for seed in range(12):
            cfg = _config(ProviderConfig(type=BAKERY, place="Mitte"), seed=seed)
            cfg.services.retirement_hazard_65_69 = cfg.services.retirement_hazard_70_plus = 1.0
            cfg.services.bakery.succession_base = 0.5
            model = TownModel(cfg)
            model.services.open_of(BAKERY)[0].owner_age = age - 1
            model.step()
            found += sum(1 for e in model.events if e["kind"] == "succession")
        return found

    young, old = successions(66), successions(76)
    assert young > old
