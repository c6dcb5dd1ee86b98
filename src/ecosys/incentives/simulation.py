"""The what-if simulator: one scheme version (or a modified copy of its rules) applied to a programme's pipeline.

Pipeline: every project of the programme that is not abandoned. A project with a grant application
brings the facts it declared there (the latest application); any other project brings its total
investment as equipment (an eligible category of every shipped scheme), its planned jobs at their
highest year as stable jobs, and a signed agreement when it has one. Its application date is its
agreement date (else the day it entered the bank), moved inside the version's validity, so the
question asked is "what if this scheme had applied to our pipeline?"; the envelope year is the
project's own year. The arithmetic is ``ecosys.analytics.incentive_payments.simulate``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q

from ecosys.accounts.models import User
from ecosys.analytics.incentive_payments import PlannedProject, Simulation, simulate
from ecosys.analytics.incentive_schemes import scheme_from_mapping
from ecosys.analytics.incentives import ProjectFacts
from ecosys.core.permissions import require
from ecosys.incentives.models import Application, Envelope, SchemeVersion
from ecosys.incentives.services import _read_rules, facts_clean
from ecosys.investments import lifecycle
from ecosys.investments.models import InvestmentProject
from ecosys.programmes.models import Programme


@dataclass(frozen=True)
class SimulationResult:
    version: SchemeVersion
    modified: bool
    simulation: Simulation
    projects: Mapping[str, InvestmentProject]


def _clamp(day: dt.date, start: dt.date, end: dt.date | None) -> dt.date:
    day = max(day, start)
    return min(day, end) if end is not None else day


def pipeline(
    programme: Programme, start: dt.date, end: dt.date | None
) -> tuple[list[PlannedProject], dict[str, InvestmentProject]]:
    """Return the programme's live and completed projects as planned applications (rules in the module docstring)."""
    projects = {
        p.code: p
        for p in InvestmentProject.objects.filter(ecosystem__sector__programme=programme)
        .exclude(status=lifecycle.Status.ABANDONED)
        .select_related("company", "ecosystem")
        .annotate(peak_jobs=Max("plan__jobs"))
    }
    declared: dict[int, Application] = {}
    for application in Application.objects.filter(project__in=projects.values()).order_by("applied_on", "pk"):
        declared[application.project_id] = application
    planned = []
    for code, project in projects.items():
        own = project.agreement_date or project.created_at.date()
        day = _clamp(own, start, end)
        declared_by = declared.get(project.pk)
        if declared_by is not None:
            facts = facts_clean(declared_by.facts, day)[1]
        else:
            facts = ProjectFacts(
                investment={"equipment": project.investment_mad},
                stable_jobs=int(project.peak_jobs or 0),
                application_date=day,
                agreement_signed=project.status in lifecycle.COMMITTED,
            )
        planned.append(PlannedProject(code, facts, own.year))
    return planned, dict(projects)


def simulation_run(
    *,
    actor: User,
    programme: Programme,
    version: SchemeVersion,
    rules: Mapping[str, Any] | None = None,
    envelope_amount: Decimal | None = None,
) -> SimulationResult:
    """Apply ``version`` (or ``rules``, a modified copy of it, checked as a new version would be) to the pipeline.

    The envelope is ``envelope_amount``, else what the programme's envelopes for the scheme have left.
    """
    require(actor, "grant.simulate")
    modified = rules is not None and dict(rules) != version.rules
    if modified:
        stored, start, end = _read_rules(version.scheme.key, rules or {})
        scheme = scheme_from_mapping(version.scheme.key, stored)
    else:
        scheme = scheme_from_mapping(version.scheme.key, version.rules)
        start, end = version.valid_from, version.valid_to
    if envelope_amount is None:
        envelopes = Envelope.objects.filter(programme=programme, ecosystem=None).filter(
            Q(scheme_id=version.scheme_id) | Q(scheme__isnull=True)
        )
        envelope_amount = sum((e.available_mad for e in envelopes), Decimal(0))
    planned, projects = pipeline(programme, start, end)
    return SimulationResult(version, modified, simulate(planned, scheme, envelope_amount), projects)
