"""Typed configuration: one dataclass per config group, each field with its source and role.

Every parameter is declared with :func:`~sim.config.param.param`, which records in the field's
metadata where the default comes from (a data table, a seed-notes section, ``config`` or
``assumption``), its role (data, structural, uncertainty or lever), its unit and the allowed
range. :func:`validate` walks the whole tree with full dotted paths, so an error names the
field, the bad value and what is allowed. ``docs/ODD.md`` §7.12 lists the same metadata
(``python -m sim.config [--format csv]`` prints the table), and tests check that every row has
a source, a unit and a valid role.

Modules: ``vocabulary`` (enums and ConfigError), ``param`` (the field helper), ``bands`` (age
bands), one module per config group (``town``, ``demography``, ``work``, ``migration``,
``housing``, ``qol``, ``social``, ``services`` with ``service_kind``, ``municipality``,
``shock``, ``civic`` with ``civic_gaps``, ``policy``, ``output``), each with its defaults and
its own rules, ``root`` (Config with the rules that span groups, and validate) and ``table``
(the parameter table). This package re-exports the names the rest of the code imports.

Nothing here imports Hydra or sim.town: the CLI turns the composed Hydra config into these
dataclasses, tests, notebooks and sweeps build them directly, and ``sim.town.resolve_town``
loads a town given by name (``TownConfig()``: the built-in peripheral town) or file.
"""

from __future__ import annotations

from sim.config.bands import check_age_structure, check_bands
from sim.config.civic import INITIATIVE_SOURCES, CivicConfig, InitiativeTypeConfig
from sim.config.civic_gaps import GapsConfig
from sim.config.demography import DemographyConfig
from sim.config.economy import EconomyConfig
from sim.config.housing import HousingConfig
from sim.config.local_events import LocalEventsConfig
from sim.config.migration import MigrationConfig
from sim.config.municipality import MunicipalityConfig
from sim.config.newcomers import AgeDistribution, NewcomersConfig, NewcomerTypeConfig
from sim.config.output import OutputConfig
from sim.config.param import ASSUMPTION, param
from sim.config.policy import (
    LEVER_TYPES,
    BroadbandConfig,
    CitizenBusSupportConfig,
    InfillFirstConfig,
    LeverConfig,
    PhaseNullConfig,
    PolicyConfig,
    R1InnovationConfig,
    R2EntrepreneurshipConfig,
    R3FinancingConfig,
    R4ResourcesConfig,
    R5LearningConfig,
    R6CrossTownConfig,
    RegionalExpressConfig,
)
from sim.config.qol import QolConfig
from sim.config.root import Config, validate
from sim.config.service_kind import ServiceTypeConfig
from sim.config.services import SERVICE_SOURCES, ServicesConfig
from sim.config.shock import ShockConfig
from sim.config.social import SocialConfig
from sim.config.table import (
    CSV_COLUMNS,
    ODD_TABLE_END,
    ODD_TABLE_START,
    csv_table,
    markdown_table,
    parameter_table,
    write_odd_table,
)
from sim.config.town import GROCERY_FORMATS, EdgeConfig, PlaceConfig, ProviderConfig, TownConfig
from sim.config.vocabulary import (
    QOL_COMPONENT_NAMES,
    SHOCK_TARGET,
    ConfigError,
    ConstructionRule,
    InitiativeType,
    LifeStage,
    Operator,
    PlaceKind,
    Region,
    ServiceType,
    ShockKind,
)
from sim.config.work import WorkConfig

__all__ = [
    "ASSUMPTION",
    "CSV_COLUMNS",
    "GROCERY_FORMATS",
    "INITIATIVE_SOURCES",
    "LEVER_TYPES",
    "ODD_TABLE_END",
    "ODD_TABLE_START",
    "QOL_COMPONENT_NAMES",
    "SERVICE_SOURCES",
    "SHOCK_TARGET",
    "AgeDistribution",
    "BroadbandConfig",
    "CitizenBusSupportConfig",
    "CivicConfig",
    "Config",
    "ConfigError",
    "ConstructionRule",
    "DemographyConfig",
    "EconomyConfig",
    "EdgeConfig",
    "GapsConfig",
    "HousingConfig",
    "InfillFirstConfig",
    "InitiativeType",
    "InitiativeTypeConfig",
    "LeverConfig",
    "LifeStage",
    "LocalEventsConfig",
    "MigrationConfig",
    "MunicipalityConfig",
    "NewcomerTypeConfig",
    "NewcomersConfig",
    "Operator",
    "OutputConfig",
    "PhaseNullConfig",
    "PlaceConfig",
    "PlaceKind",
    "PolicyConfig",
    "ProviderConfig",
    "QolConfig",
    "R1InnovationConfig",
    "R2EntrepreneurshipConfig",
    "R3FinancingConfig",
    "R4ResourcesConfig",
    "R5LearningConfig",
    "R6CrossTownConfig",
    "Region",
    "RegionalExpressConfig",
    "ServiceType",
    "ServiceTypeConfig",
    "ServicesConfig",
    "ShockConfig",
    "ShockKind",
    "SocialConfig",
    "TownConfig",
    "WorkConfig",
    "check_age_structure",
    "check_bands",
    "csv_table",
    "markdown_table",
    "param",
    "parameter_table",
    "validate",
    "write_odd_table",
]
