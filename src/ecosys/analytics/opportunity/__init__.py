"""Opportunity indicators for a chosen country, years and product level (the mission's three levers).

Pure functions on arrays, each module stating its formulas and sources:

* :mod:`.import_substitution`: imports, their trend, feasibility (density), a bonus for products made
  from recycled inputs (scrap), and a score;
* :mod:`.export_potential`: supply x demand x ease in the spirit of ITC's Export Potential Indicator,
  and untapped potential; the ease factor comes from :mod:`ecosys.analytics.geo` (CEPII GeoDist);
* :mod:`.domestic`: apparent consumption where the user knows production, and its growth;
* :mod:`.job_potential`: jobs and value added per MAD of output, from an editable coefficients table;
* :mod:`.composite`: a country's feasibility (density, distance, COG, PCI) and composite scores with
  transparent weights, the Atlas strategies among them;
* :mod:`.trend`: the log-linear (PPML) growth rate that keeps zeros, used by the three levers.

Bad input raises :class:`OpportunityInputError`, whose message starts with the parameter's name; NaN
scores are always ranked last.
"""

from ecosys.analytics.opportunity.composite import (
    ATLAS_STRATEGIES,
    CompositeScores,
    Feasibility,
    composite_scores,
    feasibility_for_country,
    parse_weights,
    rank_scores,
    standardise,
)
from ecosys.analytics.opportunity.domestic import DomesticMarket, domestic_market_growth
from ecosys.analytics.opportunity.errors import OpportunityInputError
from ecosys.analytics.opportunity.export_potential import ExportPotential, export_potential
from ecosys.analytics.opportunity.import_substitution import (
    RECYCLED_INPUTS,
    ImportSubstitution,
    RecycledInput,
    import_substitution,
    recycled_input_of,
)
from ecosys.analytics.opportunity.job_potential import (
    Coefficients,
    JobPotential,
    default_coefficients,
    job_potential,
    parse_coefficients,
    read_coefficients,
)
from ecosys.analytics.opportunity.trend import Trend, trend_growth

__all__ = [
    "ATLAS_STRATEGIES",
    "RECYCLED_INPUTS",
    "Coefficients",
    "CompositeScores",
    "DomesticMarket",
    "ExportPotential",
    "Feasibility",
    "ImportSubstitution",
    "JobPotential",
    "OpportunityInputError",
    "RecycledInput",
    "Trend",
    "composite_scores",
    "default_coefficients",
    "domestic_market_growth",
    "export_potential",
    "feasibility_for_country",
    "import_substitution",
    "job_potential",
    "parse_coefficients",
    "parse_weights",
    "rank_scores",
    "read_coefficients",
    "recycled_input_of",
    "standardise",
    "trend_growth",
]
