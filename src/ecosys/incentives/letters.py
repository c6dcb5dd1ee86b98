"""The decision letter of a grant application: one page of PDF, in French, English or Arabic (right to left).

An approval states the amount, the scheme version and its legal basis, each prime with its base,
rate and amount, the caps checked, the conditions, the tranches with what releases each, and the
clawback rule of the agreement; a rejection states its reasons. Everything comes from what the
application stored when it was decided (its evaluation, tranches, tolerance), never from the rules
as they stand today, so a letter written again later says the same thing.

It is written while the person waits: one page takes about 1.1 to 1.6 s on a developer laptop, most
of it WeasyPrint subsetting the DejaVu fonts (the Arabic glyph tables are large), the same cost as a
page of the monitoring reports.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecosys.analytics.incentive_payments import tranches_due
from ecosys.core.errors import Conflict, ValidationFailed
from ecosys.incentives import explain
from ecosys.incentives.models import Application
from ecosys.incentives.selectors import version_rules
from ecosys.incentives.services import tranches_of

if TYPE_CHECKING:
    from weasyprint import Document

LANGUAGES = ("fr", "en", "ar")
LANGUAGE_UNKNOWN = gettext_lazy("A decision letter is written in French, English or Arabic.")
NOT_DECIDED = gettext_lazy("This application is %(status)s: there is no decision to write yet.")
APPROVALS = (
    Application.Status.APPROVED,
    Application.Status.SIGNED,
    Application.Status.CLOSED,
    Application.Status.CLAWED_BACK,
)
DECIDED = (*APPROVALS, Application.Status.REJECTED)


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _tranche_condition(jobs: int, investment: Decimal) -> str:
    if jobs and investment:
        return _("once %(jobs)s jobs are verified and %(investment)s of investment is proven") % {
            "jobs": explain.count(jobs),
            "investment": explain.money(investment),
        }
    if investment:
        return _("once %(investment)s of investment is proven") % {"investment": explain.money(investment)}
    if jobs:
        return _("once %(jobs)s jobs are verified") % {"jobs": explain.count(jobs)}
    return _("on signature of the agreement")


def _tranches(application: Application) -> list[dict[str, str]]:
    if application.granted_mad is None or not application.tranches:
        return []
    # Amounts only: what releases a tranche is its condition, stated next to it.
    amounts = tranches_due(
        application.granted_mad, tranches_of(application), verified_jobs=0, proven_investment=Decimal(0)
    )
    rows = []
    for tranche, status in zip(tranches_of(application), amounts, strict=True):
        rows.append(
            {
                "number": explain.count(status.index + 1),
                "share": explain.percent(tranche.share),
                "amount": explain.money(status.amount),
                "condition": _tranche_condition(tranche.min_verified_jobs, tranche.min_proven_investment),
            }
        )
    return rows


def _clawback_rule(application: Application) -> str:
    facts = application.facts or {}
    investment = sum((Decimal(str(v)) for v in (facts.get("investment") or {}).values()), Decimal(0))
    rule = _(
        "If the verified realisations fall short of the commitments (%(jobs)s stable jobs, %(investment)s "
        "invested), the grant earned is the grant times the achievement of the worst-met commitment, and what "
        "was paid above it is recovered."
    ) % {"jobs": explain.count(facts.get("stable_jobs") or 0), "investment": explain.money(investment)}
    tolerance = application.clawback_tolerance or Decimal(0)
    if tolerance > 0:
        return (
            rule
            + " "
            + _("A shortfall of up to %(tolerance)s is forgiven.") % {"tolerance": explain.percent(tolerance)}
        )
    return rule + " " + _("No shortfall is forgiven.")


def _context(application: Application, language: str) -> dict[str, Any]:
    version = application.version
    rules = version_rules(version)
    evaluation = application.evaluation or {}
    approved = application.status in APPROVALS
    route = evaluation.get("route")
    context: dict[str, Any] = {
        "application": application,
        "language": language,
        "rtl": language == "ar",
        "approved": approved,
        "scheme": version.scheme.name,
        "version": version.number,
        "valid_from": explain.day(version.valid_from),
        "legal_basis": rules.legal_basis,
        "company": application.company.name,
        "ice": application.company.ice,
        "project": f"{application.project.code} · {application.project.name}",
        "programme": application.project.ecosystem.sector.programme.name,
        "applied_on": explain.day(application.applied_on),
        "decided_on": explain.day(timezone.localdate(application.decided_at)) if application.decided_at else "",
        "decided_by": _person(application.decided_by),
        "reviewed_by": _person(application.reviewed_by),
        "written_on": explain.day(timezone.localdate()),
        "decision_reason": application.decision_reason,
        "reasons": [explain.reason_text(r["code"], r.get("params")) for r in evaluation.get("reasons", [])],
    }
    if approved:
        context |= {
            "granted": explain.money(application.granted_mad),
            "computed": explain.money(application.computed_grant_mad),
            "investment": explain.money(evaluation.get("investment")),
            "eligible_investment": explain.money(evaluation.get("eligible_investment")),
            "route": explain.route_label(route) if route else "",
            "primes": [
                {
                    "label": explain.prime_label(p["key"]),
                    "base": explain.money(p["base"]),
                    "rate": explain.percent(p["rate"]),
                    "amount": explain.money(p["amount"]),
                    "rule": explain.reason_text(p["rule"]["code"], p["rule"].get("params")),
                }
                for p in evaluation.get("primes", [])
            ],
            "caps": [
                {
                    "label": explain.cap_label(c["kind"], c.get("category")),
                    "limit": explain.money(c["limit"]),
                    "before": explain.money(c["before"]),
                    "after": explain.money(c["after"]),
                    "binding": Decimal(c["after"]) < Decimal(c["before"]),
                }
                for c in evaluation.get("caps", [])
            ],
            "below_computed": (application.granted_mad or 0) < (application.computed_grant_mad or 0),
            "conditions": application.conditions,
            "tranches": _tranches(application),
            "clawback_rule": _clawback_rule(application),
            "uncertain": bool(evaluation.get("uncertain")),
        }
    return context


def decision_letter_html(application: Application, language: str = "fr") -> str:
    """Return the letter as HTML in ``language`` (checks as ``decision_letter_pdf``)."""
    if language not in LANGUAGES:
        raise ValidationFailed(LANGUAGE_UNKNOWN, field="language", code="language_unknown")
    if application.status not in DECIDED:
        raise Conflict(NOT_DECIDED % {"status": application.get_status_display()}, code="not_decided")
    with translation.override(language):
        return render_to_string("incentives/letter.html", _context(application, language))


def decision_letter_document(application: Application, language: str = "fr") -> Document:
    """Return the letter laid out by WeasyPrint (its pages, before writing the PDF)."""
    from weasyprint import HTML

    return HTML(string=decision_letter_html(application, language)).render()


def decision_letter_pdf(application: Application, language: str = "fr") -> bytes:
    """Return the decision letter of a decided application as PDF; an undecided one has none (409)."""
    return bytes(decision_letter_document(application, language).write_pdf())
