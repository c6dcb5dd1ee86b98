"""Monthly declarations of what companies realise, and their verification against CNSS records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import Organisation, User
from ecosys.analytics.jobs import company_month_figures, reconcile
from ecosys.core.errors import PermissionDenied, ValidationFailed
from ecosys.core.numbers import to_decimal
from ecosys.core.permissions import require
from ecosys.investments.models import Declaration, InvestmentProject, Source, VerificationPolicy
from ecosys.investments.services.projects import check_company_actor, is_company_only
from ecosys.monitoring.services import check_months_open, realisations_changed

MONTH_IN_FUTURE = _("A month that has not ended yet cannot be declared.")
MONTH_INVALID = _("Enter a month as YYYY-MM.")
NEGATIVE = _("Enter a number that is zero or more.")
NOT_A_WHOLE_NUMBER = _("Enter a whole number.")
PROJECT_OF_ANOTHER_COMPANY = _("This project belongs to another company.")
COMPANY_SOURCE_ONLY = _("A company declares its own figures; administrative records come from the ministry.")
NOTHING_DECLARED = _("Declare at least one figure.")
COUNT_FIELDS = ("headcount", "headcount_women", "gross_hires", "departures")
WOMEN_ABOVE_HEADCOUNT = _("The women employed cannot outnumber the headcount.")
AMOUNT_FIELDS = ("turnover_mad", "exports_mad", "imports_mad", "value_added_mad")


def parse_month(value: Any) -> date:
    """Return the first day of the month given as a date or "YYYY-MM" (also "YYYY-MM-DD", "MM/YYYY")."""
    if isinstance(value, datetime):  # a date cell of a spreadsheet
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    text = str(value).strip()
    try:
        if "/" in text:
            month, year = text.split("/")[-2:]
            return date(int(year), int(month), 1)
        parts = text.split("-")
        return date(int(parts[0]), int(parts[1]), 1)
    except (ValueError, IndexError):
        raise ValidationFailed(MONTH_INVALID, field="month", code="month_invalid") from None


def check_month_closed(month: date, today: date | None = None) -> None:
    """Refuse a month that has not ended: figures are declared for past months only."""
    today = today or timezone.localdate()
    if month >= today.replace(day=1):
        raise ValidationFailed(MONTH_IN_FUTURE, field="month", code="month_in_future")


def clean_figures(values: dict[str, Any]) -> dict[str, Any]:
    """Parse counts as non-negative integers and amounts as decimals; empty means not declared."""
    clean: dict[str, Any] = {}
    for name in COUNT_FIELDS:
        raw = values.get(name)
        if raw in (None, ""):
            continue
        if isinstance(raw, str) and raw.isdecimal():  # the common case of an imported file, kept fast
            clean[name] = int(raw)
            continue
        number = to_decimal(raw, field=name)
        if number != number.to_integral_value():
            raise ValidationFailed(NOT_A_WHOLE_NUMBER, field=name)
        if number < 0:
            raise ValidationFailed(NEGATIVE, field=name, code="negative")
        clean[name] = int(number)
    for name in AMOUNT_FIELDS:
        raw = values.get(name)
        if raw in (None, ""):
            continue
        amount = to_decimal(raw, field=name)
        if name != "value_added_mad" and amount < 0:  # value added may be negative (a loss-making month)
            raise ValidationFailed(NEGATIVE, field=name, code="negative")
        clean[name] = amount.quantize(Decimal("0.01"))
    check_women(clean.get("headcount"), clean.get("headcount_women"))
    return clean


def check_women(headcount: int | None, women: int | None) -> None:
    if headcount is not None and women is not None and women > headcount:
        raise ValidationFailed(WOMEN_ABOVE_HEADCOUNT, field="headcount_women", code="women_above_headcount")


@transaction.atomic
def declaration_submit(
    *,
    actor: User,
    company: Organisation,
    month: Any,
    project: InvestmentProject | None = None,
    source: str = Source.COMPANY,
    **figures: Any,
) -> Declaration:
    """Record (or correct) a company's figures for one month; corrections keep their history."""
    require(actor, "declaration.submit")
    check_company_actor(actor, company)
    if source != Source.COMPANY and is_company_only(actor):
        raise PermissionDenied(COMPANY_SOURCE_ONLY, code="forbidden:source")
    if source not in Source.values:
        raise ValidationFailed(_("Unknown source."), field="source")
    if project is not None and project.company_id != company.pk:
        raise ValidationFailed(PROJECT_OF_ANOTHER_COMPANY, field="project", code="project_of_another_company")
    month = parse_month(month)
    check_month_closed(month)
    check_months_open({month})
    values = clean_figures(figures)
    if not values:
        raise ValidationFailed(NOTHING_DECLARED, field="headcount", code="nothing_declared")
    declaration = Declaration.objects.filter(company=company, project=project, month=month, source=source).first()
    verification = Declaration.Verification.UNVERIFIED if source == Source.COMPANY else Declaration.Verification.RECORD
    if declaration is None:
        declaration = Declaration(company=company, project=project, month=month, source=source)
    for name in COUNT_FIELDS + AMOUNT_FIELDS:
        if name in values:
            setattr(declaration, name, values[name])
    declaration.verification = verification
    declaration.submitted_by = actor
    declaration.save()
    realisations_changed()
    return declaration


@transaction.atomic
def headcount_reconcile(*, actor: User | None, companies: list[int] | None = None) -> dict[str, int]:
    """Compare each declared company headcount with CNSS for the same month; mark it verified or not.

    Returns how many declarations are verified, in discrepancy and without a CNSS record.
    """
    if actor is not None:
        require(actor, "verification.run")
    policy = VerificationPolicy.current()
    cnss_rows = Declaration.objects.filter(source=Source.CNSS, project__isnull=True, headcount__isnull=False)
    declared = Declaration.objects.filter(source=Source.COMPANY, headcount__isnull=False)
    if companies is not None:
        cnss_rows = cnss_rows.filter(company_id__in=companies)
        declared = declared.filter(company_id__in=companies)
    cnss = {
        (c, m): h for c, m, h in cnss_rows.values_list("company_id", "month", "headcount").iterator(chunk_size=20000)
    }
    rows = list(declared.values_list("pk", "company_id", "project_id", "month", "headcount", "verification"))
    totals = company_month_figures((c, p, m, h, None) for _pk, c, p, m, h, _v in rows)
    counts = {"verified": 0, "discrepancy": 0, "unverified": 0}
    changed: dict[str, list[int]] = {"verified": [], "discrepancy": [], "unverified": []}
    for pk, company_id, _project_id, month, _headcount, current in rows:
        status: str = reconcile(
            totals[(company_id, month)][0],
            cnss.get((company_id, month)),
            policy.tolerance_jobs,
            policy.tolerance_percent,
        )
        counts[status] += 1
        if status != current:
            changed[status].append(pk)
    for status, pks in changed.items():
        for start in range(0, len(pks), 5000):
            Declaration.objects.filter(pk__in=pks[start : start + 5000]).update(verification=status)
    realisations_changed()
    return counts
