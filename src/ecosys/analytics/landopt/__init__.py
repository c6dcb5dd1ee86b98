"""Land optimiser: assign investors' land requests to industrial parcels, maximising a stated objective.

* :mod:`.model`: parcels, requests, objective, quotas, the plan and its reasons; a request's value
  ``v_r = π_e · (w_J · jobs + w_V · value added in MMAD)``;
* :mod:`.lots`: candidate lots, connected sets of up to ``k`` available parcels of one zone
  (services: those every parcel has), and which fit a request;
* :mod:`.solve`: the 0-1 programme (each request and each parcel used at most once, ecosystem
  quotas on the hectares requested) solved to proven optimality by HiGHS, and why each unserved
  request is unserved;
* :mod:`.check`: the same invariants checked on a proposal a person edited.

**Absolute, not per hectare.** The objective sums each served request's jobs (or value added) once.
Summing per-hectare densities would rank a 0.2 ha workshop of 20 jobs above a 10 ha plant of 800
even where the plant's land would otherwise stay empty; land scarcity is already priced by the
parcel constraints, so the optimum favours dense projects exactly where land is contested.
"""

from ecosys.analytics.landopt.check import check_proposal
from ecosys.analytics.landopt.lots import candidate_lots
from ecosys.analytics.landopt.model import (
    DEFAULT_AREA_SLACK,
    MAX_LOT_PARCELS,
    Assignment,
    LandOptError,
    LandPlan,
    Lot,
    Objective,
    ObjectiveKind,
    Parcel,
    Quota,
    Request,
    Unserved,
    UnservedReason,
    Violation,
    request_value,
)
from ecosys.analytics.landopt.solve import DEFAULT_TIME_LIMIT_S, optimise_land

__all__ = [
    "DEFAULT_AREA_SLACK",
    "DEFAULT_TIME_LIMIT_S",
    "MAX_LOT_PARCELS",
    "Assignment",
    "LandOptError",
    "LandPlan",
    "Lot",
    "Objective",
    "ObjectiveKind",
    "Parcel",
    "Quota",
    "Request",
    "Unserved",
    "UnservedReason",
    "Violation",
    "candidate_lots",
    "check_proposal",
    "optimise_land",
    "request_value",
]
