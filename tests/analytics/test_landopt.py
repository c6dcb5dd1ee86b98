"""Land optimiser: hand-checked allocations, reasons for refusals, and brute force on random tiny instances."""

from __future__ import annotations

import random
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from ecosys.analytics.landopt import (
    LandOptError,
    Objective,
    Parcel,
    Quota,
    Request,
    candidate_lots,
    check_proposal,
    optimise_land,
    request_value,
)


def parcel(id, area=10_000, *, zone="Z1", services=("power",), neighbours=(), available=True) -> Parcel:
    return Parcel(id, zone, area, frozenset(services), frozenset(neighbours), available)


def request(id, area=10_000, *, jobs=10, ecosystem="automotive", services=(), zones=(), **fields) -> Request:
    return Request(
        id,
        ecosystem,
        area,
        jobs=jobs,
        services_needed=frozenset(services),
        preferred_zones=frozenset(zones),
        **fields,
    )


def reasons(plan) -> dict[str, tuple[str, dict]]:
    return {u.request_id: (u.reason, dict(u.params)) for u in plan.unserved}


# -- hand-checked allocations -----------------------------------------------------------------------------------------


def test_of_two_requests_competing_for_one_parcel_the_one_with_more_jobs_wins():
    plan = optimise_land([parcel("P1")], [request("few", 9_000, jobs=50), request("many", 9_000, jobs=80)])
    assert plan.proposal == {"many": ("P1",)}
    assert plan.objective == 80
    assert reasons(plan) == {"few": ("outcompeted", {"by": ("many",)})}


def test_a_plan_on_a_small_instance_is_proven_optimal_with_a_zero_gap():
    plan = optimise_land([parcel("P1")], [request("few", jobs=50), request("many", jobs=80)])
    assert plan.proven_optimal
    assert plan.mip_gap == 0
    assert plan.dual_bound == pytest.approx(80)
    assert plan.solve_seconds >= 0


def test_a_request_needing_rail_gets_only_a_rail_parcel():
    parcels = [parcel("plain", services=("power",)), parcel("rail", services=("power", "rail"))]
    plan = optimise_land(parcels, [request("other", jobs=100), request("train", jobs=5, services=("rail",))])
    assert plan.proposal == {"other": ("plain",), "train": ("rail",)}


def test_a_request_needing_rail_is_refused_when_no_parcel_has_it():
    plan = optimise_land([parcel("plain")], [request("train", services=("rail", "power"))])
    assert reasons(plan) == {"train": ("no_parcel_with_services", {"services": ("power", "rail")})}


def test_a_request_larger_than_any_parcel_is_served_by_two_adjacent_parcels_when_allowed():
    parcels = [parcel("P1", 12_000, neighbours=("P2",)), parcel("P2", 10_000), parcel("P3", 15_000)]
    plan = optimise_land(parcels, [request("big", 20_000, max_parcels=2)])
    assert plan.proposal == {"big": ("P1", "P2")}
    assert plan.assignments[0].area_m2 == 22_000


def test_a_request_larger_than_any_parcel_is_refused_as_no_parcel_large_enough_when_limited_to_one():
    parcels = [parcel("P1", 12_000, neighbours=("P2",)), parcel("P2", 10_000), parcel("P3", 15_000)]
    plan = optimise_land(parcels, [request("big", 20_000, max_parcels=1)])
    expected = {"min_area_m2": 20_000.0, "max_parcels": 1, "largest_lot_m2": 15_000.0}
    assert reasons(plan) == {"big": ("no_parcel_large_enough", expected)}


def test_parcels_that_are_not_adjacent_never_form_a_lot():
    plan = optimise_land([parcel("P1", 12_000), parcel("P2", 10_000)], [request("big", 20_000, max_parcels=2)])
    assert reasons(plan)["big"][0] == "no_parcel_large_enough"


def test_adjacent_parcels_of_two_zones_never_form_a_lot():
    parcels = [parcel("P1", 12_000, neighbours=("P2",)), parcel("P2", 10_000, zone="Z2")]
    plan = optimise_land(parcels, [request("big", 20_000, max_parcels=2)])
    assert reasons(plan)["big"][0] == "no_parcel_large_enough"


def test_a_lot_has_a_service_only_if_every_parcel_has_it():
    parcels = [parcel("P1", 12_000, services=("rail",), neighbours=("P2",)), parcel("P2", 10_000, services=())]
    plan = optimise_land(parcels, [request("big", 20_000, max_parcels=2, services=("rail",))])
    assert reasons(plan)["big"] == ("no_parcel_with_services", {"services": ("rail",)})


def test_a_request_with_preferred_zones_is_served_only_there():
    parcels = [parcel("north", zone="N"), parcel("south", zone="S")]
    plan = optimise_land(parcels, [request("picky", zones=("S",), jobs=1), request("any", jobs=100)])
    assert plan.proposal == {"picky": ("south",), "any": ("north",)}


def test_a_request_whose_preferred_zones_have_no_fitting_lot_says_so():
    plan = optimise_land([parcel("north", zone="N")], [request("picky", zones=("S", "E"))])
    assert reasons(plan) == {"picky": ("no_parcel_in_preferred_zones", {"zones": ("E", "S")})}


def test_a_request_much_smaller_than_every_parcel_is_refused_as_no_parcel_small_enough():
    plan = optimise_land([parcel("P1", 10_000)], [request("small", 5_000)])  # window 5,000-6,250 m²
    assert reasons(plan) == {"small": ("no_parcel_small_enough", {"max_area_m2": 6_250.0, "smallest_lot_m2": 10_000.0})}


def test_unavailable_parcels_are_never_assigned():
    plan = optimise_land([parcel("taken", available=False), parcel("free", 10_500)], [request("r")])
    assert plan.proposal == {"r": ("free",)}


def test_a_request_gets_the_smallest_lot_that_fits_not_a_larger_set_containing_it():
    parcels = [parcel("P1", 10_000, neighbours=("P2",)), parcel("P2", 2_000)]
    plan = optimise_land(parcels, [request("r", 10_000, max_parcels=2)])
    assert plan.proposal == {"r": ("P1",)}


def test_a_request_worth_nothing_still_gets_free_land():
    plan = optimise_land([parcel("P1"), parcel("P2")], [request("valuable", jobs=10), request("zero", jobs=0)])
    assert set(plan.proposal) == {"valuable", "zero"}


# -- quotas -----------------------------------------------------------------------------------------------------------


def test_a_max_hectares_quota_is_respected_and_the_request_left_out_says_quota():
    parcels = [parcel("P1"), parcel("P2")]
    requests = [request("t1", ecosystem="textile", jobs=10), request("t2", ecosystem="textile", jobs=20)]
    plan = optimise_land(parcels, requests, quotas=[Quota("textile", max_hectares=1.5)])
    assert plan.proposal == {"t2": ("P1",)} or plan.proposal == {"t2": ("P2",)}
    assert reasons(plan) == {"t1": ("quota", {"ecosystem": "textile", "limit": "max_hectares", "value": 1.5})}


def test_a_max_requests_quota_is_respected():
    parcels = [parcel(f"P{i}") for i in range(3)]
    requests = [request(f"a{i}", ecosystem="agrifood", jobs=10 + i) for i in range(3)]
    plan = optimise_land(parcels, requests, quotas=[Quota("agrifood", max_requests=2)])
    assert set(plan.proposal) == {"a1", "a2"}
    assert reasons(plan)["a0"] == ("quota", {"ecosystem": "agrifood", "limit": "max_requests", "value": 2})


def test_a_min_hectares_quota_brings_in_a_less_valuable_ecosystem():
    requests = [request("car", jobs=100), request("drug", ecosystem="pharma", jobs=10)]
    plan = optimise_land([parcel("P1")], requests, quotas=[Quota("pharma", min_hectares=1.0)])
    assert plan.proposal == {"drug": ("P1",)}
    assert reasons(plan) == {"car": ("outcompeted", {"by": ("drug",)})}


def test_a_hectare_quota_counts_the_hectares_requested_not_the_lot_given():
    requests = [request("t", 10_000, ecosystem="textile")]  # accepts up to 12,500 m²
    plan = optimise_land([parcel("P1", 12_000)], requests, quotas=[Quota("textile", max_hectares=1.0)])
    assert plan.proposal == {"t": ("P1",)}
    assert (
        check_proposal([parcel("P1", 12_000)], requests, plan.proposal, quotas=[Quota("textile", max_hectares=1.0)])
        == ()
    )


def test_an_unreachable_min_quota_raises_quotas_infeasible():
    with pytest.raises(LandOptError) as error:
        optimise_land([parcel("P1")], [request("drug", ecosystem="pharma")], quotas=[Quota("pharma", min_hectares=5)])
    assert error.value.code == "quotas_infeasible"


# -- objectives -------------------------------------------------------------------------------------------------------


def test_the_value_added_objective_prefers_the_request_adding_more_value():
    requests = [request("jobs", jobs=100, value_added_mad=1e6), request("value", jobs=10, value_added_mad=5e6)]
    plan = optimise_land([parcel("P1")], requests, Objective("value_added"))
    assert plan.proposal == {"value": ("P1",)}
    assert plan.objective == pytest.approx(5.0)  # millions of MAD


def test_an_ecosystem_priority_multiplies_a_requests_value():
    requests = [request("car", jobs=50), request("plane", ecosystem="aeronautics", jobs=40)]
    plan = optimise_land([parcel("P1")], requests, Objective(ecosystem_priority={"aeronautics": 1.5}))
    assert plan.proposal == {"plane": ("P1",)}
    assert plan.objective == pytest.approx(60)


def test_the_mix_objective_weighs_jobs_and_millions_of_mad():
    objective = Objective("mix", jobs_weight=1.0, value_added_weight=2.0, ecosystem_priority={"automotive": 2.0})
    assert request_value(request("r", jobs=10, value_added_mad=3e6), objective) == pytest.approx(2 * (10 + 2 * 3))


# -- invariants of inputs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"area_m2": 0}, "request_area_invalid"),
        ({"min_area_m2": 12_000, "max_area_m2": 11_000}, "request_area_invalid"),
        ({"max_parcels": 5}, "request_max_parcels_invalid"),
        ({"jobs": -1}, "request_value_invalid"),
    ],
)
def test_a_request_that_cannot_be_met_is_refused_when_built(fields, code):
    with pytest.raises(LandOptError) as error:
        Request(**{"id": "r", "ecosystem": "e", "area_m2": 10_000, **fields})
    assert error.value.code == code


def test_duplicate_parcel_ids_are_refused():
    with pytest.raises(LandOptError) as error:
        optimise_land([parcel("P1"), parcel("P1")], [request("r")])
    assert error.value.code == "parcel_id_duplicate"


# -- checking an edited proposal --------------------------------------------------------------------------------------


def codes(violations) -> set[str]:
    return {v.code for v in violations}


def test_check_proposal_accepts_a_valid_edit():
    parcels = [parcel("P1", 12_000, neighbours=("P2",)), parcel("P2", 10_000)]
    assert check_proposal(parcels, [request("big", 20_000, max_parcels=2)], {"big": ["P2", "P1"]}) == ()


def test_check_proposal_reports_a_parcel_given_twice():
    parcels = [parcel("P1")]
    violations = check_proposal(parcels, [request("a"), request("b")], {"a": ["P1"], "b": ["P1"]})
    assert [(v.code, v.request_id, dict(v.params)) for v in violations] == [
        ("parcel_used_twice", "b", {"parcel": "P1", "requests": ("a", "b")})
    ]


def test_check_proposal_reports_every_broken_invariant_of_a_lot():
    parcels = [
        parcel("P1", 3_000, services=("rail",)),
        parcel("P2", 3_000, zone="Z2", services=()),
        parcel("P3", 3_000, available=False),
    ]
    violations = check_proposal(parcels, [request("r", 10_000, services=("rail",))], {"r": ["P1", "P2", "P3"]})
    assert codes(violations) == {
        "parcel_unavailable",
        "too_many_parcels",
        "zones_mixed",
        "parcels_not_adjacent",
        "area_too_small",
        "services_missing",
    }


def test_check_proposal_reports_a_lot_too_large_and_outside_the_preferred_zones():
    violations = check_proposal([parcel("P1", 50_000, zone="N")], [request("r", zones=("S",))], {"r": ["P1"]})
    assert codes(violations) == {"area_too_large", "zone_not_preferred"}


def test_check_proposal_reports_unknown_requests_and_parcels_and_empty_lots():
    violations = check_proposal([parcel("P1")], [request("r"), request("s")], {"x": ["P1"], "r": ["P9"], "s": []})
    assert [(v.code, v.request_id) for v in violations] == [
        ("request_unknown", "x"),
        ("parcel_unknown", "r"),
        ("lot_empty", "s"),
    ]


def test_check_proposal_reports_broken_quotas():
    parcels = [parcel("P1"), parcel("P2")]
    requests = [request("a", ecosystem="textile"), request("b", ecosystem="textile")]
    quotas = [Quota("textile", max_hectares=1.5, max_requests=1), Quota("pharma", min_hectares=1)]
    violations = check_proposal(parcels, requests, {"a": ["P1"], "b": ["P2"]}, quotas=quotas)
    assert codes(violations) == {"quota_max_hectares", "quota_max_requests", "quota_min_hectares"}
    assert all(v.request_id is None for v in violations)


# -- against brute force ----------------------------------------------------------------------------------------------


def tiny_instance(seed: int) -> tuple[list[Parcel], list[Request], list[Quota]]:
    """Return two zones of 2-4 parcels in a line (plus a few chords), 2-4 requests and random quotas."""
    rng = random.Random(seed)
    parcels = []
    for z in range(2):
        count = rng.randint(2, 4)
        for i in range(count):
            links = {f"{z}-{j}" for j in (i + 1, i + 2) if j < count and (j == i + 1 or rng.random() < 0.3)}
            parcels.append(
                Parcel(
                    f"{z}-{i}",
                    f"Z{z}",
                    rng.choice([2_000, 3_000, 5_000, 8_000]),
                    frozenset(s for s in ("power", "rail") if rng.random() < 0.7),
                    frozenset(links),
                    rng.random() < 0.9,
                )
            )
    requests = [
        Request(
            f"r{k}",
            rng.choice(["a", "b"]),
            rng.choice([2_000, 4_000, 6_000, 9_000, 12_000]),
            jobs=rng.randint(0, 50),
            value_added_mad=rng.randint(0, 10) * 1e6,
            services_needed=frozenset(s for s in ("power", "rail") if rng.random() < 0.3),
            preferred_zones=frozenset({f"Z{rng.randint(0, 1)}"}) if rng.random() < 0.3 else frozenset(),
            max_parcels=rng.randint(1, 3),
        )
        for k in range(rng.randint(2, 4))
    ]
    quotas = [
        Quota("a", max_hectares=rng.choice([None, 0.8]), max_requests=rng.choice([None, 1])),
        Quota("b", min_hectares=rng.choice([None, None, 0.3])),
    ]
    return parcels, requests, quotas


def brute_force(parcels, requests, quotas, objective) -> tuple[float | None, dict[str, list[tuple[str, ...]]]]:
    """Return the best value over every proposal check_proposal accepts (None if none), and each request's lots."""
    ids = [p.id for p in parcels]
    options = {
        r.id: [
            lot
            for size in range(1, r.max_parcels + 1)
            for lot in combinations(ids, size)
            if check_proposal(parcels, [r], {r.id: lot}) == ()
        ]
        for r in requests
    }
    best: list[float | None] = [None]

    def explore(k: int, proposal: dict[str, tuple[str, ...]], used: set[str]) -> None:
        if k == len(requests):
            if check_proposal(parcels, requests, proposal, quotas=quotas) == ():
                value = sum(request_value(r, objective) for r in requests if r.id in proposal)
                best[0] = value if best[0] is None else max(best[0], value)
            return
        explore(k + 1, proposal, used)
        for lot in options[requests[k].id]:
            if used.isdisjoint(lot):
                explore(k + 1, {**proposal, requests[k].id: lot}, used | set(lot))

    explore(0, {}, set())
    return best[0], options


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["jobs", "value_added", "mix"]))
def test_the_plan_is_proven_optimal_and_as_good_as_brute_force_on_random_tiny_instances(seed, kind):
    parcels, requests, quotas = tiny_instance(seed)
    objective = Objective(kind, jobs_weight=1.0, value_added_weight=3.0, ecosystem_priority={"b": 1.5})
    best, options = brute_force(parcels, requests, quotas, objective)
    if best is None:
        with pytest.raises(LandOptError) as error:
            optimise_land(parcels, requests, objective, quotas=quotas)
        assert error.value.code == "quotas_infeasible"
        return
    plan = optimise_land(parcels, requests, objective, quotas=quotas)
    assert plan.proven_optimal
    assert_allclose(plan.objective, best, rtol=1e-9, atol=1e-9)
    assert check_proposal(parcels, requests, plan.proposal, quotas=quotas) == ()
    for unserved in plan.unserved:
        has_lots = bool(options[unserved.request_id])
        assert has_lots == (unserved.reason in ("quota", "outcompeted")), unserved


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=4))
def test_candidate_lots_are_every_connected_set_of_available_parcels_in_one_zone_once(seed, k):
    parcels, _, _ = tiny_instance(seed)
    anything = Request("r", "e", 1.0, min_area_m2=1.0, max_area_m2=1e9, max_parcels=k)
    lots = [lot.parcel_ids for lot in candidate_lots(parcels, [anything])["r"]]
    free = [p.id for p in parcels if p.available]
    expected = {
        frozenset(subset)
        for size in range(1, k + 1)
        for subset in combinations(free, size)
        if check_proposal(parcels, [anything], {"r": subset}) == ()
    }
    assert len(lots) == len(set(lots))
    assert {frozenset(lot) for lot in lots} == expected


def test_solving_twice_gives_the_same_plan():
    rng = random.Random(3)
    parcels = [
        parcel(f"P{i}", rng.choice([4_000, 6_000, 9_000]), neighbours=(f"P{i + 1}",), services=("power",))
        for i in range(12)
    ]
    requests = [
        request(f"r{i}", rng.choice([5_000, 8_000, 12_000]), jobs=rng.randint(1, 30), max_parcels=2) for i in range(20)
    ]
    first, second = optimise_land(parcels, requests), optimise_land(parcels, requests)
    assert (first.assignments, first.unserved, first.objective) == (
        second.assignments,
        second.unserved,
        second.objective,
    )
