"""The words for the machine codes of the grant analytics: reasons, primes, routes, categories, statuses.

``ecosys.analytics.incentives`` and ``incentive_payments`` give reasons and rules as codes with
parameters, never text (see their docstrings). Pages, exports and letters turn them into sentences
here, in the language active when they are rendered, numbers grouped as the pages group them
(``ecosys.core.numbers.format_number``, which also groups Arabic). Parameters come either from the analytics
objects (``Decimal``, ``date``) or from an evaluation stored as JSON (the same values as text); both
read the same. A code this module does not know is shown as the code itself, never hidden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ecosys.core.numbers import format_number

NONE = "–"  # a figure that is not known or not set

# -- numbers and dates, in the reader's conventions ----------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _number(value: Any, decimals: int = 2) -> str:
    """Grouped by thousands; no decimals when the number is whole, else at most ``decimals``."""
    number = _decimal(value)
    if number is None:
        return NONE if value is None else str(value)
    places = 0 if number == number.to_integral_value() else decimals
    return format_number(number, places)


def amount(value: Any) -> str:
    """A number grouped by thousands, whole when it is whole, else with two decimals."""
    return _number(value)


def money(value: Any) -> str:
    """An amount in MAD: "50 000 000 MAD" ("–" for no amount)."""
    if value is None:
        return NONE
    return gettext("%(amount)s MAD") % {"amount": _number(value)}


def percent(value: Any) -> str:
    """A share (0.3) as a percentage: "30 %"."""
    number = _decimal(value)
    if number is None:
        return NONE if value is None else str(value)
    return gettext("%(value)s %%") % {"value": _number(number * 100)}


def ratio(value: Any) -> str:
    """Stable jobs per MMAD invested, two decimals at most."""
    return _number(value, 2)


def count(value: Any) -> str:
    return _number(value, 0)


def day(value: Any) -> str:
    """A date in the reader's format; ISO text (from a stored evaluation) is read first."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


# -- labels ---------------------------------------------------------------------------------------------------------

CATEGORY_LABELS: Mapping[str, Promise] = {
    "land": _("land"),
    "buildings": _("buildings"),
    "equipment": _("equipment"),
    "technical_assistance": _("technical assistance"),
    "other": _("other expenses"),
}

PRIME_LABELS: Mapping[str, Promise] = {
    "investment_support": _("investment support (rate agreed in the investment agreement)"),
    "job_creation": _("job creation prime"),
    "gender_parity": _("gender parity prime"),
    "future_jobs": _("jobs of the future prime"),
    "sustainable_development": _("sustainable development prime"),
    "local_integration": _("local integration prime"),
    "territorial": _("territorial prime"),
    "sector": _("priority sector prime"),
}

ROUTE_LABELS: Mapping[str, Promise] = {
    "locomotive_investment": _("locomotive project, by its investment"),
    "locomotive_jobs": _("locomotive project, by its jobs"),
    "offset": _("offset agreement"),
    "structuring": _("structuring project"),
    "investment_and_jobs": _("investment and jobs"),
    "jobs_only": _("jobs alone"),
    "sme": _("small or medium enterprise"),
}

FACT_LABELS: Mapping[str, Promise] = {
    "investment": _("the total investment"),
    "stable_jobs": _("the stable jobs"),
    "jobs_per_mmad": _("the stable jobs per million MAD invested"),
    "turnover": _("the turnover"),
    "female_share": _("the women's share of the payroll"),
    "public_order": _("the public order of the offset agreement"),
}

CAP_LABELS: Mapping[str, Promise] = {
    "total_rate": _("total rate cap"),
    "amount": _("amount cap"),
    "category_share": _("share cap of an expense category"),
}

STATUS_HELP: Mapping[str, Promise] = {
    "draft": _("The company can still change the facts; nothing is computed until it submits."),
    "submitted": _("Eligibility and grant are computed; the fund reviews the file."),
    "reviewed": _("The fund has reviewed the file; another person decides."),
    "approved": _("The grant is committed on the envelope; the agreement is to be signed."),
    "rejected": _("The application was rejected, with its reasons."),
    "signed": _("The agreement is signed; tranches are paid as the realisations are verified."),
    "closed": _("Every tranche is paid."),
    "clawed_back": _("Commitments were not met: part of the amount paid was recovered."),
}


def _humanize(key: str) -> str:
    return key.replace("_", " ")


def category_label(key: str) -> str:
    label = CATEGORY_LABELS.get(key)
    return str(label) if label is not None else _humanize(key)


def prime_label(key: str) -> str:
    label = PRIME_LABELS.get(key)
    return str(label) if label is not None else _humanize(key)


def route_label(key: str) -> str:
    label = ROUTE_LABELS.get(key)
    return str(label) if label is not None else _humanize(key)


def fact_label(key: str) -> str:
    label = FACT_LABELS.get(key)
    return str(label) if label is not None else _humanize(key)


def cap_label(kind: str, category: str | None = None) -> str:
    if kind == "category_share" and category:
        return gettext("share cap on %(category)s") % {"category": category_label(category)}
    label = CAP_LABELS.get(kind)
    return str(label) if label is not None else _humanize(kind)


def status_help(status: str) -> str:
    text = STATUS_HELP.get(status)
    return str(text) if text is not None else ""


# -- reasons --------------------------------------------------------------------------------------------------------

# Bound conditions (``incentive_schemes.BOUNDS``): the sentence when the minimum is inclusive / exclusive.
_MINIMUM = {
    True: _("%(fact)s is %(actual)s: at least %(bound)s is required."),
    False: _("%(fact)s is %(actual)s: more than %(bound)s is required."),
}
_MAXIMUM = {
    True: _("%(fact)s is %(actual)s: at most %(bound)s is allowed."),
    False: _("%(fact)s is %(actual)s: less than %(bound)s is required."),
}
# Reason code of a bound -> (fact, how its value reads).
_BOUND_REASONS: Mapping[str, tuple[str, Callable[[Any], str]]] = {
    "investment_below_minimum": ("investment", money),
    "investment_above_maximum": ("investment", money),
    "stable_jobs_below_minimum": ("stable_jobs", count),
    "jobs_ratio_below_minimum": ("jobs_per_mmad", ratio),
    "turnover_above_maximum": ("turnover", money),
    "female_share_below_minimum": ("female_share", percent),
    "public_order_below_minimum": ("public_order", money),
}

_FIXED: Mapping[str, Promise] = {
    # flags (``incentive_schemes.FLAGS``)
    "agreement_not_signed": _("No investment agreement is signed under a performance contract."),
    "offset_agreement_not_signed": _("No offset agreement is signed."),
    "not_future_jobs": _("The project does not create jobs of the future."),
    "not_sustainable": _("The project is not recognised as sustainable development."),
    "no_local_integration": _("The project does not integrate local suppliers."),
    # rules that set a prime's rate
    "ratio_undefined": _("No investment is declared, so the jobs per million MAD cannot be computed: lowest rate."),
    "fixed_rate": _("Fixed rate of the scheme."),
}

_TEMPLATES: Mapping[str, Promise] = {
    "fact_unknown": _("%(fact)s is not declared, so the condition cannot be checked."),
    "application_before_validity": _("Applied on %(date)s, before the scheme version starts (%(valid_from)s)."),
    "application_after_validity": _("Applied on %(date)s, after the scheme version ended (%(valid_to)s)."),
    "below_first_tier": _(
        "%(ratio)s stable jobs per million MAD, below the first tier (from %(first_tier_from)s): lowest rate."
    ),
    "tier": _("%(ratio)s stable jobs per million MAD: tier from %(from)s to %(to)s."),
    "tier_open": _("%(ratio)s stable jobs per million MAD: tier from %(from)s upwards."),
    "territorial_rate": _("Rate of territorial category %(category)s."),
    "no_territorial_rate": _("No rate for territorial category %(category)s."),
    "sector_rate": _("Rate of the sector %(sector)s."),
    "no_sector_rate": _("The scheme gives no rate for the sector %(sector)s."),
    "rate_not_agreed": _("No rate agreed in the investment agreement yet (at most %(maximum)s)."),
    "agreed_rate": _("Rate agreed in the investment agreement: %(agreed)s."),
    "agreed_rate_capped": _("Rate agreed, %(agreed)s, brought down to the maximum of %(maximum)s."),
    # tranches (``incentive_payments.tranches_due``)
    "earlier_tranche_not_releasable": _("Tranche %(tranche)s cannot be released yet, and tranches are paid in order."),
    "tranche_jobs_not_reached": _("%(required)s verified jobs are needed, %(verified)s are verified."),
    "tranche_investment_not_reached": _("%(required)s of proven investment is needed, %(proven)s is proven."),
}

# How each parameter reads, by name.
_PARAMS: Mapping[str, Callable[[Any], str]] = {
    "date": day,
    "valid_from": day,
    "valid_to": day,
    "ratio": ratio,
    "first_tier_from": ratio,
    "from": ratio,
    "to": ratio,
    "maximum": percent,
    "agreed": percent,
    "required": count,
    "verified": count,
    "proven": money,
}

WITH_ROUTE = _("Route “%(route)s”: %(reason)s")
NOT_DECLARED = _("not declared")
NO_NAME = _("none")


def _bound_text(code: str, params: Mapping[str, Any]) -> str:
    fact, show = _BOUND_REASONS[code]
    is_minimum = "minimum" in params
    inclusive = params.get("inclusive", True)
    inclusive = inclusive if isinstance(inclusive, bool) else str(inclusive).lower() != "false"
    template = (_MINIMUM if is_minimum else _MAXIMUM)[inclusive]
    bound = params.get("minimum" if is_minimum else "maximum")
    actual = params.get("actual")
    text = str(template) % {
        "fact": fact_label(fact),
        "actual": show(actual) if actual is not None else str(NOT_DECLARED),
        "bound": show(bound),
    }
    return text[:1].upper() + text[1:]


def _template_text(code: str, params: Mapping[str, Any]) -> str:
    values: dict[str, str] = {}
    for name, value in params.items():
        if name == "fact":
            values[name] = fact_label(str(value))
        elif name == "tranche":
            values[name] = count(int(value) + 1)  # tranches are numbered from 0 in the analytics
        elif name in ("category", "sector"):
            values[name] = str(value) if value not in (None, "") else str(NO_NAME)
        elif code == "tranche_investment_not_reached" and name in ("required", "proven"):
            values[name] = money(value)
        else:
            values[name] = _PARAMS.get(name, str)(value)
    template = _TEMPLATES[code]
    if code == "tier" and params.get("to") is None:
        template = _TEMPLATES["tier_open"]
    try:
        text = str(template) % values
    except (KeyError, TypeError, ValueError):
        return code
    return text[:1].upper() + text[1:]


def reason_text(code: str, params: Mapping[str, Any] | None = None, *, with_route: bool = True) -> str:
    """Return the sentence for a reason code of the analytics, its numbers in the reader's format.

    A reason tagged with the route whose condition failed (``params["route"]``) names the route
    unless ``with_route`` is False. An unknown code returns the code itself.
    """
    params = dict(params or {})
    route = params.pop("route", None)
    if code in _BOUND_REASONS:
        text = _bound_text(code, params)
    elif code in _FIXED:
        text = str(_FIXED[code])
    elif code in _TEMPLATES:
        text = _template_text(code, params)
    else:
        return code
    if route and with_route:
        return str(WITH_ROUTE) % {"route": route_label(str(route)), "reason": text}
    return text


def condition_text(kind: str, value: Any = None, inclusive: bool | None = None) -> str:
    """A scheme's condition as it reads in its rules ("the total investment: more than 50 000 000 MAD")."""
    from ecosys.analytics.incentive_schemes import BOUNDS, EXCLUSIVE_BY_DEFAULT, FLAGS

    if kind in FLAGS:
        return {
            "agreement_signed": gettext("an investment agreement signed under a performance contract"),
            "offset_agreement_signed": gettext("an offset agreement signed"),
            "future_jobs": gettext("jobs of the future"),
            "sustainable": gettext("sustainable development"),
            "local_integration": gettext("local integration"),
        }.get(kind, _humanize(kind))
    if kind not in BOUNDS:
        return _humanize(kind)
    fact, is_minimum, code = BOUNDS[kind]
    show = _BOUND_REASONS[code][1]
    if inclusive is None:
        inclusive = kind not in EXCLUSIVE_BY_DEFAULT
    if is_minimum:
        template = gettext("%(fact)s: at least %(bound)s") if inclusive else gettext("%(fact)s: more than %(bound)s")
    else:
        template = gettext("%(fact)s: at most %(bound)s") if inclusive else gettext("%(fact)s: less than %(bound)s")
    return template % {"fact": fact_label(fact), "bound": show(value)}


# -- an evaluation and a scheme's rules, ready to show ----------------------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    return _decimal(value)


def evaluation_view(evaluation: Mapping[str, Any]) -> dict[str, Any]:
    """Return an evaluation stored as JSON (``services.evaluation_to_json``) as rows to show, in words.

    Reasons are grouped by the route whose condition failed (dates first, without a route); each prime
    carries the sentence of the rule that set its rate; each cap says whether it binds.
    """
    if not evaluation:
        return {}
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for reason in evaluation.get("reasons") or []:
        params = dict(reason.get("params") or {})
        route = params.get("route")
        groups.setdefault(route, []).append(
            {
                "text": reason_text(reason["code"], params, with_route=False),
                "code": reason["code"],
                "uncertain": bool(reason.get("uncertain")),
            }
        )
    reasons = [{"route": route_label(route) if route else None, "reasons": items} for route, items in groups.items()]
    primes = []
    for prime in evaluation.get("primes") or []:
        rule = prime.get("rule") or {}
        primes.append(
            {
                "key": prime["key"],
                "label": prime_label(prime["key"]),
                "base": _dec(prime.get("base")),
                "rate": _dec(prime.get("rate")),
                "amount": _dec(prime.get("amount")),
                "rule": reason_text(rule.get("code", ""), rule.get("params") or {}),
                "uncertain": bool(rule.get("uncertain")),
            }
        )
    caps = []
    for cap in evaluation.get("caps") or []:
        before, after = _dec(cap.get("before")), _dec(cap.get("after"))
        caps.append(
            {
                "label": cap_label(cap.get("kind", ""), cap.get("category")),
                "limit": _dec(cap.get("limit")),
                "before": before,
                "after": after,
                "binding": before is not None and after is not None and after < before,
                "uncertain": bool(cap.get("uncertain")),
            }
        )
    route = evaluation.get("route")
    return {
        "eligible": bool(evaluation.get("eligible")),
        "route": route_label(route) if route else None,
        "reasons": reasons,
        "investment": _dec(evaluation.get("investment")),
        "jobs_per_mmad": _dec(evaluation.get("jobs_per_mmad")),
        "eligible_investment": _dec(evaluation.get("eligible_investment")),
        "primes": primes,
        "caps": caps,
        "total_grant": _dec(evaluation.get("total_grant")),
        "uncertain": bool(evaluation.get("uncertain")),
    }


PRIME_KINDS: Mapping[str, Promise] = {
    "fixed": _("fixed rate"),
    "tiered": _("rate by tiers of stable jobs per million MAD"),
    "range": _("rate within a range, by tiers of stable jobs per million MAD"),
    "territorial": _("rate by territorial category"),
    "sector": _("rate by sector"),
    "agreed": _("rate agreed in the investment agreement"),
}


def _line(text: str, figure: Any = None, *, uncertain: bool = False, source: str | None = None) -> dict[str, Any]:
    if figure is not None:
        uncertain = uncertain or bool(getattr(figure, "uncertain", False))
        source = source or getattr(figure, "source", None)
    return {"text": text, "uncertain": uncertain, "source": source}


def _condition_line(condition: Any) -> dict[str, Any]:
    bound = condition.bound
    text = condition_text(condition.kind, bound.value if bound is not None else None, condition.inclusive)
    return _line(text, bound)


def _tier_text(tier: Any) -> str:
    if tier.upper is None:
        template = gettext("from %(from)s stable jobs per million MAD: %(rate)s")
    else:
        template = gettext("from %(from)s to under %(to)s stable jobs per million MAD: %(rate)s")
    return template % {"from": ratio(tier.lower), "to": ratio(tier.upper), "rate": percent(tier.rate)}


def _prime_lines(prime: Any) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    if prime.kind == "fixed" and prime.rate is not None:
        lines.append(_line(gettext("rate: %(rate)s") % {"rate": percent(prime.rate.value)}, prime.rate))
    if prime.kind == "range" and prime.minimum is not None and prime.maximum is not None:
        text = gettext("between %(minimum)s and %(maximum)s") % {
            "minimum": percent(prime.minimum.value),
            "maximum": percent(prime.maximum.value),
        }
        lines.append(_line(text, uncertain=prime.minimum.uncertain or prime.maximum.uncertain))
    for tier in prime.tiers:
        lines.append(_line(_tier_text(tier), tier))
    if prime.kind in ("sector", "agreed") and prime.maximum is not None:
        lines.append(_line(gettext("at most %(rate)s") % {"rate": percent(prime.maximum.value)}, prime.maximum))
    for name, figure in prime.rates.items():
        template = (
            gettext("category %(name)s: %(rate)s") if prime.kind == "territorial" else gettext("%(name)s: %(rate)s")
        )
        lines.append(_line(template % {"name": name, "rate": percent(figure.value)}, figure))
    if prime.kind == "sector" and not prime.rates:
        no_rate = gettext("no rate per sector entered yet: the rate is zero for every sector")
        lines.append(_line(no_rate, uncertain=True))
    return lines


def rules_view(scheme: Any) -> dict[str, Any]:
    """Return a scheme version's rules (``incentive_schemes.Scheme``) as readable lines, uncertain ones flagged."""
    caps = [
        _line(
            gettext("at most %(rate)s of the eligible investment") % {"rate": percent(scheme.caps.total_rate.value)},
            scheme.caps.total_rate,
        )
    ]
    if scheme.caps.amount is not None:
        caps.append(
            _line(gettext("at most %(amount)s") % {"amount": money(scheme.caps.amount.value)}, scheme.caps.amount)
        )
    for category, share in scheme.caps.category_shares.items():
        text = gettext("%(category)s: at most %(share)s of the eligible investment") % {
            "category": category_label(category),
            "share": percent(share.value),
        }
        caps.append(_line(text, share))
    return {
        "routes": [
            {
                "key": route.key,
                "label": route_label(route.key),
                "uncertain": route.uncertain,
                "source": route.source,
                "conditions": [_condition_line(c) for c in route.all_of],
            }
            for route in scheme.routes
        ],
        "primes": [
            {
                "key": prime.key,
                "label": prime_label(prime.key),
                "kind": str(PRIME_KINDS.get(prime.kind, prime.kind)),
                "lines": _prime_lines(prime),
                "when": [_condition_line(c) for c in prime.when],
            }
            for prime in scheme.primes
        ],
        "caps": caps,
        "expenses": _line(
            ", ".join(category_label(c) for c in scheme.eligible_expenses.value), scheme.eligible_expenses
        ),
        "notes": [(_humanize(topic), text) for topic, text in sorted(scheme.notes.items())],
    }
