"""The study's ecosystems page maths: value chains scored, communities, the sizing under a capture scenario."""

from __future__ import annotations

import math

import pytest

from ecosys.core.errors import ValidationFailed
from ecosys.opportunities import services, structuring


def _chains(study):
    result = services.study_result(study)
    ecosystems = structuring.ecosystems_with_value_chains()
    return result, structuring.value_chains(result, ecosystems)


def test_an_activity_sums_the_imports_of_the_products_its_codes_stand_for(imm, study):
    result, chains = _chains(study)
    rows = {r["product"]: r for r in result.rows}
    for chain in chains:
        for activity in chain["activities"]:
            codes = activity["products"]
            expected = sum(rows[c].get("imports_usd") or 0 for c in codes)
            assert activity["imports_usd"] == pytest.approx(expected) or (
                not codes and activity["imports_usd"] in (0, None)
            )


def test_the_sizing_at_the_horizon_is_the_captured_share_of_each_lever(imm, study):
    result, chains = _chains(study)
    capture = structuring.Capture(first_year=2018, horizon=2020, substitution_share=0.1, export_share=0.25)
    sized = structuring.sizing(result, chains, capture)
    rate = result.parameters.exchange_rate_mad_per_usd
    rows = {r["product"]: r for r in result.rows}
    seen, imports, untapped = set(), 0.0, 0.0
    for chain in chains:
        for activity in chain["activities"]:
            label = f"{chain['ecosystem'].code} · {activity['activity']}"
            if label in seen:
                continue
            seen.add(label)
            imports += activity.get("imports_usd") or 0.0
            untapped += sum(rows[c].get("untapped_usd") or 0 for c in activity["products"])
    expected = rate * (0.1 * imports + 0.25 * untapped)
    horizon = sized["horizon"]
    assert horizon["year"] == 2020
    assert horizon["turnover"] == pytest.approx(expected, rel=1e-9)
    assert horizon["gross_balance"] == pytest.approx(expected, rel=1e-9)
    assert horizon["net_balance"] == pytest.approx(expected * (1 - 0.4), rel=1e-9)
    assert [y["year"] for y in sized["years"]] == [2018, 2019, 2020]
    assert sized["years"][0]["turnover"] == pytest.approx(expected / 3, rel=1e-9)  # reached linearly
    assert {a["name"] for a in sized["assumptions"]} >= {"exchange rate", "imported_input_share"}


def test_candidate_ecosystems_hold_a_product_the_country_exports(study):
    result = services.study_result(study)
    found = structuring.candidates(result)
    assert found["communities"]
    assert all(c["present"] >= 1 for c in found["communities"])
    scores = [c["score"] for c in found["communities"] if c["score"] is not None]
    assert scores == sorted(scores, reverse=True)
    assert math.isfinite(found["modularity"])


@pytest.mark.parametrize(
    ("data", "field"),
    [({"substitution": "150"}, "substitution"), ({"exports": "x"}, "exports"), ({"horizon": "1800"}, "horizon"),
     ({"first_year": "2020", "horizon": "2019"}, "horizon")],
)  # fmt: skip
def test_a_bad_capture_scenario_names_its_field(study, data, field):
    with pytest.raises(ValidationFailed) as refused:
        structuring.parse_capture(data, services.study_result(study))
    assert field in refused.value.fields


def test_candidate_ecosystems_say_why_when_the_study_is_not_at_hs4(dataset, analyst):
    made = services.study_create(
        actor=analyst,
        dataset=dataset,
        title="",
        parameters={"country": "MAR", "years": "2017", "level": 2},
        queue=False,
    )
    done = services.study_run(made.pk)
    found = structuring.candidates(services.study_result(done))
    assert found["communities"] == [] and "HS 4 digits" in found["unavailable"]
