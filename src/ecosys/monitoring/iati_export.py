"""Each performance contract's results as an IATI 2.03 activity: indicators, baseline, yearly periods.

The reporting organisation is the contract's first ministry party. Its IATI identifier is set in
the administration (``Organisation.iati_identifier``); until it is, the file carries a provisional
``MA-ECOSYS-<acronym>`` and says so in a comment, to be replaced before publishing to the registry.
A period's target is the year's milestone; its actual is the verified value at the end of the year
(net verified jobs, verified realisations), given only for years closed by ``as_of``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from ecosys.accounts.models import Organisation
from ecosys.monitoring import iati, measures
from ecosys.programmes.models import PerformanceContract, Programme, Target

ORGANISATION_TYPE = {"ministry": "10", "federation": "21", "fund": "10", "company": "70"}  # IATI OrganisationType
ROLE = {"ministry": iati.OrganisationRole.FUNDING, "fund": iati.OrganisationRole.FUNDING}


def _texts(obj: object, field: str = "name") -> iati.Text:
    return iati.texts(
        **{lang: getattr(obj, f"{field}_{lang}") for lang in ("fr", "ar", "en") if getattr(obj, f"{field}_{lang}", "")}
    )


def reporting_ref(organisation: Organisation) -> str:
    return organisation.iati_identifier or f"MA-ECOSYS-{organisation.acronym or organisation.pk}"


def _value(actual: float, unit: str) -> Decimal:
    """Whole numbers for jobs and counts, centimes for amounts and percentages."""
    return Decimal(round(actual)) if unit in ("jobs", "count") else Decimal(str(round(actual, 2)))


def _indicator(target: Target, actuals: dict[int, float], as_of: date) -> iati.Indicator:
    indicator = target.indicator
    unit = indicator.get_unit_display()
    title = iati.texts(
        fr=f"{indicator.name_fr} ({unit})", ar=f"{indicator.name_ar} ({unit})", en=f"{indicator.name_en} ({unit})"
    )
    periods = []
    for milestone in target.milestones.all():
        closed = date(milestone.year, 12, 1) <= as_of
        actual = actuals.get(milestone.year) if closed else None
        periods.append(
            iati.Period(
                start=date(milestone.year, 1, 1),
                end=date(milestone.year, 12, 31),
                target=_value(float(milestone.value), indicator.unit),
                actual=None if actual is None else _value(actual, indicator.unit),
            )
        )
    return iati.Indicator(
        title=title,
        measure=iati.IndicatorMeasure.PERCENTAGE if indicator.unit == "%" else iati.IndicatorMeasure.UNIT,
        ascending=indicator.direction == "increase",
        description=_texts(indicator, "definition"),
        baseline=iati.Baseline(year=target.baseline_year, value=_value(float(target.baseline_value), indicator.unit)),
        periods=tuple(periods),
    )


def contract_activity(contract: PerformanceContract, *, as_of: date) -> iati.Activity:
    parties = [p.organisation for p in contract.parties.select_related("organisation").order_by("position")]
    reporter = next((o for o in parties if o.kind == "ministry"), parties[0] if parties else None)
    if reporter is None:
        raise ValueError("a contract without parties cannot be reported")
    ecosystems = sorted(e.code for e in contract.ecosystems.all())
    data = measures.load(measures.units_in(ecosystems, as_of), as_of=as_of, basis="verified")
    targets = list(
        contract.targets.filter(ecosystem__isnull=True, region="", gender="")
        .select_related("indicator")
        .prefetch_related("milestones")
    )
    indicators = []
    for target in targets:
        code = target.indicator.code
        actuals = measures.yearly(data, code).get("*", {}) if code in measures.MEASURES else {}
        indicators.append(_indicator(target, actuals, as_of))
    signed = [s.signed_on for s in contract.signings.all()]
    dates = [iati.ActivityDate(iati.ActivityDateType.ACTUAL_START, min(signed))] if signed else []
    dates.append(iati.ActivityDate(iati.ActivityDateType.PLANNED_END, date(contract.horizon_year, 12, 31)))
    results: tuple[iati.Result, ...] = ()
    if indicators:
        results = (iati.Result(iati.ResultType.OUTCOME, _texts(contract), tuple(indicators)),)
    return iati.Activity(
        reporting_org=iati.ReportingOrg(
            ref=reporting_ref(reporter),
            type_code=ORGANISATION_TYPE.get(reporter.kind, "10"),
            name=iati.texts(fr=reporter.name),
        ),
        code=contract.code,
        title=_texts(contract),
        description=_texts(contract) if not contract.source else iati.texts(fr=contract.source),
        status=iati.ActivityStatus.IMPLEMENTATION
        if contract.horizon_year >= as_of.year
        else iati.ActivityStatus.FINALISATION,
        dates=tuple(dates),
        participating_orgs=tuple(
            iati.ParticipatingOrg(
                role=ROLE.get(o.kind, iati.OrganisationRole.IMPLEMENTING),
                name=iati.texts(fr=o.name),
                ref=o.iati_identifier or None,
                type_code=ORGANISATION_TYPE.get(o.kind),
            )
            for o in parties
        ),
        sectors=(iati.Sector(iati.DAC_INDUSTRIAL_POLICY),),
        results=results,
        recipient_country="MA",
        default_lang="fr",
        last_updated=timezone.now(),
    )


def programme_iati(programme: Programme, *, as_of: date) -> tuple[str, bytes]:
    """Return the file name and the IATI 2.03 activities file of the programme's contracts."""
    contracts = PerformanceContract.objects.filter(sector__programme=programme).order_by("code")
    content = iati.activities_xml([contract_activity(c, as_of=as_of) for c in contracts], timezone.now())
    return f"iati-{programme.code}-{as_of:%Y-%m}.xml", content
