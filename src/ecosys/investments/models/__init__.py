from ecosys.investments.models.projects import (
    InvestmentProject,
    OpportunitySheet,
    ProjectEvent,
    ProjectMilestone,
    ProjectPlanYear,
    Province,
    Region,
)
from ecosys.investments.models.realisations import Declaration, ImportBatch, Source, VerificationPolicy

__all__ = [
    "Declaration",
    "ImportBatch",
    "InvestmentProject",
    "OpportunitySheet",
    "ProjectEvent",
    "ProjectMilestone",
    "ProjectPlanYear",
    "Province",
    "Region",
    "Source",
    "VerificationPolicy",
]
