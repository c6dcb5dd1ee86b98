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
* :mod:`.trend`: the log-linear (PPML) growth rate that keeps zeros, used by the three levers;
* :mod:`.valuechain`: IO-PS value chains (tiers, activities, HS codes) and the study's indicators
  summed or averaged per activity;
* :mod:`.communities`: candidate ecosystems as Louvain communities of the product space, ranked
  around the country's strengths;
* :mod:`.sizing`: a contract's turnover, jobs, value added and trade balance under a capture
  scenario, and the IMM reference scenario;
* :mod:`.study`: one call, :func:`run_study`, from a trade dataset and :class:`StudyParameters` to a
  ranked table of products (every lever above, composed), with progress by stage and JSON output.

Bad input raises :class:`OpportunityInputError`, whose message starts with the parameter's name; NaN
scores are always ranked last.
"""

from typing import TYPE_CHECKING

from ecosys.analytics.opportunity.communities import (
    HIDALGO_THRESHOLD,
    ProductCommunities,
    ProductSpaceLayout,
    product_space_communities,
    read_product_space_edges,
    read_product_space_layout,
)
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
from ecosys.analytics.opportunity.sizing import (
    LEVERS,
    Assumption,
    CaptureScenario,
    Sizing,
    imm_reference_scenario,
    size_contract,
)
from ecosys.analytics.opportunity.trend import Trend, trend_growth
from ecosys.analytics.opportunity.valuechain import (
    Activity,
    ActivityScores,
    Tier,
    ValueChain,
    parse_value_chain,
    score_activities,
    value_chain_csv,
)

__all__ = [
    "ATLAS_STRATEGIES",
    "HIDALGO_THRESHOLD",
    "INDICATORS",
    "LEVERS",
    "RECYCLED_INPUTS",
    "STAGES",
    "STRATEGIES",
    "Activity",
    "ActivityScores",
    "Assumption",
    "CaptureScenario",
    "Coefficients",
    "Column",
    "CompositeScores",
    "DomesticMarket",
    "ExportPotential",
    "Feasibility",
    "ImportSubstitution",
    "JobPotential",
    "OpportunityInputError",
    "ProductCommunities",
    "ProductSpaceLayout",
    "RecycledInput",
    "Sizing",
    "StudyParameters",
    "StudyResult",
    "Tier",
    "Trend",
    "ValueChain",
    "composite_scores",
    "default_coefficients",
    "domestic_market_growth",
    "export_potential",
    "feasibility_for_country",
    "imm_reference_scenario",
    "import_substitution",
    "job_potential",
    "parse_coefficients",
    "parse_value_chain",
    "parse_weights",
    "product_space_communities",
    "rank_scores",
    "read_coefficients",
    "read_product_space_edges",
    "read_product_space_layout",
    "recycled_input_of",
    "run_study",
    "score_activities",
    "size_contract",
    "standardise",
    "study_parameters",
    "trend_growth",
    "value_chain_csv",
]

# The study composes the trade dataset and CEPII GeoDist, and ecosys.analytics.geo imports this
# package's errors: importing its names here would make ``import ecosys.analytics.geo`` (or
# ``ecosys.analytics.trade``) meet a half-initialised module. They are loaded on first use (PEP 562).
_STUDY_NAMES = frozenset(
    {"INDICATORS", "STAGES", "STRATEGIES", "Column", "StudyParameters", "StudyResult", "run_study", "study_parameters"}
)

if TYPE_CHECKING:
    from ecosys.analytics.opportunity.study import (
        INDICATORS,
        STAGES,
        STRATEGIES,
        Column,
        StudyParameters,
        StudyResult,
        run_study,
        study_parameters,
    )


def __getattr__(name: str) -> object:
    if name in _STUDY_NAMES:
        from importlib import import_module

        return getattr(import_module("ecosys.analytics.opportunity.study"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
