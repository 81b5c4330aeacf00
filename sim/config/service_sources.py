"""Where the defaults of each kind of provider (``services.<kind>``) come from, where they
differ from the field's default in ServiceTypeConfig (used by the ODD parameter table)."""

from __future__ import annotations

from sim.config.param import Sourced, sourced

SERVICE_SOURCES: dict[str, dict[str, Sourced]] = {
    "grocery": {
        "spend_per_person_eur": sourced(
            "assumption (order of food-retail spending per head in Germany)", role="uncertainty"
        ),
        "variable_cost_share": sourced(
            "assumption (gross margin about a quarter)", role="uncertainty"
        ),
        "break_even_population": sourced(
            "BVL; Handelsverband Bayern: a supermarket needs at least about 5,000 people in its catchment (shared data README)",
            role="data",
        ),
        "online_exposure": sourced(
            "assumption; online food retail is still minor outside cities (seed-notes Q65)",
            role="uncertainty",
        ),
        "leakage_max": sourced(
            "assumption (shopping in the regional centre, seed-notes §2.6)", role="uncertainty"
        ),
        "chain_format": sourced(
            "supermarkets and discounters are chain formats (seed-notes R-C3, SF21)",
            role="structural",
        ),
    },
    "grocery_coop": {
        "break_even_population": sourced(
            "Dorfladen rule of thumb: 100–150 customers and 1,000 EUR a day (Imakomm 2020); volunteers and members' loyalty halve the shop's threshold (assumption)",
            role="uncertainty",
        ),
        "entry_rate": sourced("opened only by a cooperative-shop initiative", role="structural"),
    },
    "grocery_shop": {
        "spend_per_person_eur": sourced(
            "assumption (top-up shopping near home)", role="uncertainty"
        ),
        "break_even_population": sourced(
            "assumption from the village-shop rule of thumb: 100–150 customers and 1,000 EUR a day (Imakomm 2020, shared data README)",
            role="uncertainty",
        ),
        "succession_base": sourced(
            "assumption, set in the calibration (docs/validation.md): owners of small shops rarely find successors",
            role="uncertainty",
        ),
        "entry_rate": sourced(
            "assumption, set in the calibration (docs/validation.md): few people open a small food shop (food shops <= 399 m2: 65,000 -> 8,550, 1990-2019)",
            role="uncertainty",
        ),
        "chain_exposure": sourced(
            "assumption: top-up shopping is what chains take from independents (food shops <= 399 m2 fell 65,000 -> 8,550 1990-2019, Thuenen via taz 2022)",
            role="uncertainty",
        ),
    },
    "bakery": {
        "online_exposure": sourced(
            "assumption (little of a bakery's trade goes online)", role="uncertainty"
        ),
        "chain_exposure": sourced(
            "assumption: bake-off stations of supermarkets and discounters and bakery chains take most of the craft bakeries' trade (ZV Baeckerhandwerk: craft bakery firms 19,800 -> 9,242, 2000-2023)",
            role="uncertainty",
        ),
    },
    "pub": {
        "chain_exposure": sourced(
            "assumption: drinking at home with drinks from discounters and chain gastronomy take part of the pubs' trade (Destatis: a quarter of pubs closed 2001-2010)",
            role="uncertainty",
        ),
    },
    "gp": {
        "spend_per_person_eur": sourced(
            "assumption (statutory GP fees per patient and year)", role="uncertainty"
        ),
        "break_even_population": sourced(
            "KBV planning ratio: about one GP per 1,600 inhabitants (shared data README)",
            role="data",
        ),
        "succession_base": sourced(
            "assumption, set in the calibration (docs/validation.md): rural GP succession is hard (40.8 % of GPs are 60 or older, KBV 2024), yet the national GP count is nearly stable (KBV: 52,262 -> 51,389, 2013-2023)",
            role="uncertainty",
        ),
        "entry_rate": sourced(
            "assumption (few young GPs settle in rural areas; admission follows KBV planning)",
            role="uncertainty",
        ),
        "need_by_age": sourced("assumption (GP contacts rise with age)", role="uncertainty"),
    },
    "pharmacy": {
        "break_even_population": sourced(
            "Thünen-Institut 2013 / DAZ 2023: about 3,800 potential customers per pharmacy",
            role="data",
        ),
        "anchor_share": sourced(
            "assumption (prescriptions from GPs at the same place)", role="uncertainty"
        ),
        "online_exposure": sourced("assumption (mail-order pharmacies)", role="uncertainty"),
        "succession_base": sourced(
            "assumption, set in the calibration (docs/validation.md): a pharmacy is usually sold to a pharmacist; ABDA: 21,602 -> 17,571 pharmacies 2008-2023, 559 closures and 62 openings in 2023",
            role="uncertainty",
        ),
        "need_by_age": sourced("assumption (medication use rises with age)", role="uncertainty"),
    },
    "bank": {
        "digital_exposure": sourced(
            "assumption (online banking replaces branch visits, seed-notes §2.6; Bundesbank: branches -4.6 % in 2023, -5.8 % in 2022, about -10 % in 2021)",
            role="uncertainty",
        )
    },
    "post": {
        "legal_min_population": sourced(
            "Post-Universaldienstleistungsverordnung: a post outlet in every municipality over 2,000 inhabitants (shared data README)",
            role="data",
        ),
        "entry_rate": sourced(
            "outlets exist by the legal requirement, not by market entry", role="structural"
        ),
    },
    "primary_school": {
        "min_users": sourced(
            "Kultusministerien: minimum class sizes 13–20 by Land; 4 grades x 13 (shared data README)",
            role="data",
        ),
        "need_by_age": sourced("issue #3: school for 6–10-year-olds", role="structural"),
    },
    "kindergarten": {
        "need_by_age": sourced(
            "assumption (about a third of 1–2-year-olds and nine in ten 3–5-year-olds in day care, Destatis; ext)",
            role="uncertainty",
        ),
        "legal_min_population": sourced(
            "assumption (legal entitlement to a day-care place from age 1: kept while the town has residents)",
            role="structural",
        ),
    },
    "pool": {
        "spend_per_person_eur": sourced(
            "sector reports: ticket revenue covers under a third of a pool's running costs (shared data README); calibrated to about 30 %",
            role="data",
        ),
        "voluntary": sourced(
            "a voluntary municipal task, cut first under budget pressure (seed-notes §2.2, Nörten-Hardenberg)",
            role="structural",
        ),
    },
    "bus_line": {
        "min_users": sourced(
            "assumption; seed-notes M-V1: below a demand threshold line-based buses are no longer financed",
            role="uncertainty",
        ),
        "voluntary": sourced(
            "seed-notes V-C2: lines are cut when they cannot be financed", role="structural"
        ),
    },
    "crafts": {
        "succession_base": sourced(
            "assumption (succession is a known problem of craft firms)", role="uncertainty"
        )
    },
    "manufacturer": {
        "staff_fixed": sourced(
            "assumption (a 'hidden champion' with a few hundred jobs, seed-notes Q11)",
            role="uncertainty",
        )
    },
}
"""Where each kind's non-default values come from (used by the ODD parameter table)."""
