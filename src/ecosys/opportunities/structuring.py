"""From a study to ecosystems: the programme's value chains scored, candidate ecosystems in the product
space, and a contract sized under a capture scenario (adapters over ``analytics.opportunity``).

Every figure here is recomputed from the study's stored rows, so the page, its download and a rerun agree;
the sizing lists every assumption it used, as the analytics return them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecosys.analytics.opportunity import OpportunityInputError
from ecosys.analytics.opportunity.communities import product_space_communities
from ecosys.analytics.opportunity.sizing import Assumption, CaptureScenario, size_contract
from ecosys.analytics.opportunity.study import StudyResult
from ecosys.analytics.opportunity.valuechain import parse_value_chain, score_activities
from ecosys.core.errors import ValidationFailed
from ecosys.core.i18n import localized
from ecosys.opportunities import messages
from ecosys.opportunities.presentation import rows_by_hs4
from ecosys.opportunities.reference import product_space_edges
from ecosys.programmes.models import Ecosystem, Target
from ecosys.programmes.selectors import value_chain_csv

ADDITIVE = ("imports_usd", "potential_usd", "exports_usd", "jobs")
MEANS = ("density", "score")
BAD_SHARE = gettext_lazy("Enter a share between 0 and 100 %.")
BAD_YEAR = gettext_lazy("Enter a year.")
YEARS_ORDER = gettext_lazy("The horizon must come after the first year, at most 15 years later.")
ONLY_HS4 = gettext_lazy(
    "Candidate ecosystems need a study at HS 4 digits: the Atlas product space links 4-digit products."
)
DEFAULT_INPUT_SHARE = 0.40
INPUT_SHARE_SOURCE = (
    "Ecosys team assumption, no Moroccan source: about half of the inputs other than value added "
    "imported; replace with the HCP input-output table"
)


def _column(rows: Iterable[Mapping[str, Any]], key: str) -> np.ndarray:
    out = []
    for row in rows:
        value = row.get(key)
        out.append(float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan)
    return np.array(out, dtype=np.float64)


def _number(value: float) -> float | None:
    return None if not math.isfinite(value) else float(value)


# -- value chains ----------------------------------------------------------------------------------------------


def ecosystems_with_value_chains() -> Iterable[Ecosystem]:
    return Ecosystem.objects.filter(tiers__isnull=False).distinct().order_by("sector__code", "code")


def contract_targets() -> list[dict[str, Any]]:
    """The programme-wide horizon targets of the performance contracts, shown beside a sizing."""
    targets = Target.objects.filter(ecosystem__isnull=True).select_related("indicator", "contract")[:12]
    return [
        {"contract": t.contract.code, "indicator": t.indicator, "value": t.horizon_value, "year": t.horizon_year}
        for t in targets
    ]


def value_chains(result: StudyResult, ecosystems: Iterable[Ecosystem]) -> list[dict[str, Any]]:
    """Each ecosystem's activities scored on the study: summed markets and jobs, mean density and score."""
    rows = list(result.rows)
    products = [str(row.get("product", "")) for row in rows]
    present = [key for key in (*ADDITIVE, *MEANS) if any(key in row for row in rows[:1])]
    columns = {key: _column(rows, key) for key in present}
    out = []
    for ecosystem in ecosystems:
        text = value_chain_csv(ecosystem=ecosystem)
        if text.count("\n") <= 1:  # header only: no value chain yet
            continue
        chain = parse_value_chain(text, source=ecosystem.code)
        scores = score_activities(
            chain,
            products,
            columns,
            additive=[key for key in ADDITIVE if key in columns],
            weight_column="imports_usd" if "imports_usd" in columns else None,
            rank_by="potential_usd" if "potential_usd" in columns else None,
        )
        activities = []
        for index in scores.order.tolist():
            activities.append(
                {
                    "rank": int(scores.rank[index]),
                    "tier": str(scores.tiers[index]),
                    "activity": str(scores.activities[index]),
                    "codes": ", ".join(scores.hs_codes[index]),
                    "products": list(scores.matched_products[index]),
                    "unmatched": ", ".join(scores.unmatched_codes[index]),
                    **{key: _number(float(scores.sums[key][index])) for key in scores.sums},
                    **{key: _number(float(scores.means[key][index])) for key in scores.means},
                }
            )
        out.append({"ecosystem": ecosystem, "name": localized(ecosystem, "name"), "activities": activities})
    return out


# -- candidate ecosystems --------------------------------------------------------------------------------------


def candidates(result: StudyResult, *, limit: int = 8, min_present: int = 1) -> dict[str, Any]:
    """Communities of the Atlas product space around the country's strengths, best first.

    The Atlas product space links HS 4-digit products: a study at another level gets the reason instead.
    """
    if result.parameters.level != 4:
        return {"communities": [], "modularity": math.nan, "links": 0, "unavailable": str(ONLY_HS4)}
    by_hs4 = rows_by_hs4(result)
    codes = sorted(by_hs4)
    present = np.array([1.0 if by_hs4[c].get("present") else 0.0 for c in codes])
    density = _column([by_hs4[c] for c in codes], "density")
    market = _column([by_hs4[c] for c in codes], "market_usd")
    try:
        found = product_space_communities(
            codes,
            present,
            np.where(np.isnan(density), 0.0, density),
            market=np.where(np.isnan(market), 0.0, market),
            edges=product_space_edges(),
            seed=0,
            min_present=min_present,
        )
    except OpportunityInputError as exc:
        return {"communities": [], "modularity": math.nan, "links": 0, "unavailable": messages.opportunity_message(exc)}
    names = {code: str(by_hs4[code].get("name") or "") for code in codes}
    communities: list[dict[str, Any]] = []
    for index in range(min(limit, len(found.members))):
        if not found.eligible[index]:
            continue
        members = found.members[index]
        absent = [c for c in members if not by_hs4.get(c, {}).get("present")]
        best = sorted(absent, key=lambda c: -(float(by_hs4[c].get("density") or 0)))[:5]
        communities.append(
            {
                "rank": len(communities) + 1,
                "products": int(found.n_products[index]),
                "present": int(found.n_present[index]),
                "share_present": _number(float(found.share_present[index])),
                "density": _number(float(found.mean_density_absent[index])),
                "market": _number(float(found.market_absent[index])),
                "anchor": _number(float(found.anchor[index])),
                "score": _number(float(found.score[index])),
                "anchors": [f"{c} {names.get(c, '')}".strip() for c in members if by_hs4.get(c, {}).get("present")][:4],
                "closest": [f"{c} {names.get(c, '')}".strip() for c in best],
            }
        )
    return {"communities": communities, "modularity": found.modularity, "links": found.n_links, "unavailable": ""}


# -- sizing ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Capture:
    """The analyst's capture scenario: shares of each lever captured by the horizon, reached linearly."""

    first_year: int
    horizon: int
    substitution_share: float = 0.10
    export_share: float = 0.25
    input_share: float = DEFAULT_INPUT_SHARE

    def query(self) -> dict[str, str]:
        return {
            "first_year": str(self.first_year),
            "horizon": str(self.horizon),
            "substitution": f"{100 * self.substitution_share:g}",
            "exports": f"{100 * self.export_share:g}",
            "inputs": f"{100 * self.input_share:g}",
        }


def default_capture(result: StudyResult) -> Capture:
    last = max(result.parameters.years)
    return Capture(first_year=last + 1, horizon=last + 5)


def parse_capture(data: Mapping[str, Any], result: StudyResult) -> Capture:
    default = default_capture(result)

    def share(name: str, fallback: float) -> float:
        raw = str(data.get(name) or "").strip().replace(",", ".").rstrip("%").strip()
        if not raw:
            return fallback
        try:
            value = float(raw) / 100
        except ValueError:
            raise ValidationFailed(BAD_SHARE, field=name, code="invalid") from None
        if not 0 <= value <= 1:
            raise ValidationFailed(BAD_SHARE, field=name, code="invalid")
        return value

    def year(name: str, fallback: int) -> int:
        raw = str(data.get(name) or "").strip()
        if not raw:
            return fallback
        if not raw.isdigit() or not 1990 <= int(raw) <= 2100:
            raise ValidationFailed(BAD_YEAR, field=name, code="invalid")
        return int(raw)

    first, horizon = year("first_year", default.first_year), year("horizon", default.horizon)
    if not first <= horizon <= first + 15:
        raise ValidationFailed(YEARS_ORDER, field="horizon", code="invalid")
    return Capture(
        first_year=first,
        horizon=horizon,
        substitution_share=share("substitution", default.substitution_share),
        export_share=share("exports", default.export_share),
        input_share=share("inputs", default.input_share),
    )


def sizing(result: StudyResult, chains: list[dict[str, Any]], capture: Capture) -> dict[str, Any] | None:
    """Size a contract on the activities of the programme's value chains (one row per activity)."""
    rate = float(result.parameters.exchange_rate_mad_per_usd)
    labels: list[str] = []
    imports: list[float] = []
    exports: list[float] = []
    jobs_per_m: list[float] = []
    va_ratio: list[float] = []
    potential_by_product: dict[str, Mapping[str, Any]] = {str(r.get("product")): r for r in result.rows}
    for chain in chains:
        for activity in chain["activities"]:
            label = f"{chain['ecosystem'].code} · {activity['activity']}"
            if label in labels:
                continue
            matched = [potential_by_product[c] for c in activity["products"]]
            potential_mad = sum(float(r.get("potential_usd") or 0) for r in matched) * rate
            jobs = sum(float(r.get("jobs") or 0) for r in matched)
            value_added = sum(float(r.get("value_added_mad") or 0) for r in matched)
            labels.append(label)
            imports.append((activity.get("imports_usd") or 0.0) * rate)
            untapped = sum(float(r.get("untapped_usd") or 0) for r in matched) * rate
            exports.append(untapped)
            jobs_per_m.append(jobs / (potential_mad / 1e6) if potential_mad > 0 else 0.0)
            va_ratio.append(min(value_added / potential_mad, 1.0 - capture.input_share) if potential_mad > 0 else 0.0)
    if not labels:
        return None
    years = list(range(capture.first_year, capture.horizon + 1))
    steps = len(years)
    ramp = {year: (i + 1) / steps for i, year in enumerate(years)}
    scenario = CaptureScenario(
        capture={
            "import_substitution": {y: capture.substitution_share * r for y, r in ramp.items()},
            "exports": {y: capture.export_share * r for y, r in ramp.items()},
        },
        mad_per_usd=rate,
        assumptions=(
            Assumption(
                "exchange rate", rate, "MAD per USD", "the study's parameter (Bank Al-Maghrib average for 2017: 9.7)"
            ),
            Assumption(
                "import substitution captured by the horizon",
                capture.substitution_share,
                "share of the imports of the study's last year",
                "the analyst's scenario, reached linearly",
            ),
            Assumption(
                "untapped export potential captured by the horizon",
                capture.export_share,
                "share",
                "the analyst's scenario, reached linearly",
            ),
            Assumption("imported_input_share", capture.input_share, "share of output", INPUT_SHARE_SOURCE),
            Assumption(
                "jobs and value added per MAD of output",
                "coefficients",
                "by activity",
                "the study's job-potential coefficients (jobs and value added of each product's potential)",
            ),
        ),
        name="study",
    )
    table: dict[str, Any] = {
        "label": labels,
        "import_market": imports,
        "export_potential": exports,
        "jobs_per_million_mad": jobs_per_m,
        "value_added_ratio": va_ratio,
        "imported_input_share": [capture.input_share] * len(labels),
    }
    try:
        sized = size_contract(table, scenario)
    except OpportunityInputError as exc:
        raise ValidationFailed(messages.opportunity_message(exc), field=exc.parameter, code=exc.code) from exc
    by_year = [
        {
            "year": int(year),
            "turnover": float(sized.turnover_mad[i]),
            "jobs": float(sized.jobs[i]),
            "value_added": float(sized.value_added_mad[i]),
            "gross_balance": float(sized.exports_plus_substitution_mad[i]),
            "net_balance": float(sized.trade_balance_mad[i]),
        }
        for i, year in enumerate(sized.years.tolist())
    ]
    return {
        "years": by_year,
        "horizon": by_year[-1],
        "assumptions": [
            {"name": a.name, "value": a.value, "unit": a.unit, "source": a.source} for a in sized.assumptions
        ],
        "activities": len(labels),
    }


def sizing_chart(sized: Mapping[str, Any], *, generated: bool) -> dict[str, Any]:
    """Turnover and value added (MAD) by year of the scenario, and the gross trade balance."""
    from ecosys.web.charts import number_locale

    measures = (("turnover", _("turnover")), ("value_added", _("value added")), ("gross_balance", _("trade balance")))
    values = [
        {"year": str(row["year"]), "measure": label, "mad": row[key]}
        for row in sized["years"]
        for key, label in measures
    ]
    title = _("The contract sized under the scenario (MAD)")
    if generated:
        title += " — " + _("generated data")
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "title": title,
        "width": "container",
        "height": 240,
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": _("year"), "axis": {"labelAngle": 0}},
            "xOffset": {"field": "measure"},
            "y": {"field": "mad", "type": "quantitative", "title": "MAD"},
            "color": {"field": "measure", "type": "nominal", "title": None},
        },
        "config": {"legend": {"orient": "bottom"}, "locale": number_locale()},
    }
