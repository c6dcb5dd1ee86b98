"""IATI 2.03 export of a performance contract's results, validated against the shipped schema.

The report is the IMM contract as Ecosys ships it (13,340 jobs and 1.7 bn MAD of value added by 2020
from a 2015 baseline, yearly milestones on the contract's s-curve). The actual figures for 2016 and
2017 are illustrative, not published ones; 2018 onwards have targets only, as in a report made in
early 2019.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import xmlschema

from ecosys.analytics.milestones import milestone_path
from ecosys.monitoring import iati
from ecosys.monitoring.iati import (
    DAC_INDUSTRIAL_POLICY,
    Activity,
    ActivityDate,
    ActivityDateType,
    ActivityStatus,
    Baseline,
    Indicator,
    OrganisationRole,
    ParticipatingOrg,
    Period,
    ReportingOrg,
    Result,
    ResultType,
    Sector,
    activities_xml,
    decimal_text,
    texts,
)

SCHEMA = Path(iati.__file__).parent / "schemas" / "iati-2.03" / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MOROCCO = timezone(timedelta(hours=1))
GENERATED = datetime(2019, 3, 1, 9, 30, tzinfo=MOROCCO)
# An illustrative organisation identifier: the ministry's real one comes from its IATI registration.
REPORTER = ReportingOrg(
    ref="MA-MICIEN",
    type_code="10",
    name=texts(
        fr="Ministère de l'Industrie, de l'Investissement, du Commerce et de l'Economie Numérique",
        en="Ministry of Industry, Investment, Trade and the Digital Economy",
    ),
)
JOBS_ACTUALS = {2016: Decimal(1126), 2017: Decimal(3870)}
VALUE_ADDED_ACTUALS = {2016: Decimal("1.42E+8")}


def yearly_periods(horizon_value: float, actuals: dict[int, Decimal]) -> tuple[Period, ...]:
    path = milestone_path(
        baseline_value=0, baseline_year=2015, horizon_value=horizon_value, horizon_year=2020, shape="s_curve"
    )
    return tuple(
        Period(
            start=date(m.year, 1, 1),
            end=date(m.year, 12, 31),
            target=Decimal(round(m.value)),
            actual=actuals.get(m.year),
            actual_comment=texts(fr="Vérifié sur les déclarations CNSS") if m.year in actuals else (),
        )
        for m in path
    )


JOBS = Indicator(
    title=texts(fr="Emplois créés", ar="مناصب الشغل المحدثة", en="Jobs created"),
    description=texts(en="Net new stable jobs since the 2015 baseline, cumulative, verified against CNSS."),
    baseline=Baseline(year=2015, iso_date=date(2015, 12, 31), value=0, comment=texts(en="Before the first signing")),
    periods=yearly_periods(13340, JOBS_ACTUALS),
)
VALUE_ADDED = Indicator(
    title=texts(fr="Valeur ajoutée additionnelle (MAD)", en="Additional value added (MAD)"),
    baseline=Baseline(year=2015, value=0),
    periods=yearly_periods(1.7e9, VALUE_ADDED_ACTUALS),
)
IMM = Activity(
    reporting_org=REPORTER,
    code="IMM-CP",
    title=texts(
        fr="Contrats de performance des écosystèmes IMM",
        ar="عقود النجاعة لمنظومات الصناعات الميكانيكية والمعدنية",
        en="Performance contracts of the IMM ecosystems",
    ),
    description=texts(
        fr="Engagements de la profession à l'horizon 2020, additionnels à la référence du secteur.",
        en="The profession's 2020 commitments, additional to the sector's baseline.",
    ),
    status=ActivityStatus.IMPLEMENTATION,
    dates=(
        ActivityDate(ActivityDateType.ACTUAL_START, date(2016, 5, 2)),
        ActivityDate(ActivityDateType.PLANNED_END, date(2020, 12, 31)),
    ),
    participating_orgs=(
        ParticipatingOrg(OrganisationRole.ACCOUNTABLE, REPORTER.name, ref=REPORTER.ref, type_code="10"),
        ParticipatingOrg(OrganisationRole.FUNDING, texts(fr="Ministère de l'Economie et des Finances"), type_code="10"),
        ParticipatingOrg(
            OrganisationRole.IMPLEMENTING,
            texts(fr="Fédération des industries métallurgiques, mécaniques et électromécaniques"),
            type_code="70",
        ),
    ),
    sectors=(Sector(DAC_INDUSTRIAL_POLICY),),
    results=(
        Result(ResultType.OUTCOME, texts(fr="Emploi", en="Employment"), (JOBS,)),
        Result(ResultType.IMPACT, texts(fr="Valeur ajoutée", en="Value added"), (VALUE_ADDED,)),
    ),
    recipient_country="MA",
    default_lang="fr",
    last_updated=GENERATED,
)


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(SCHEMA))


@pytest.fixture(scope="module")
def document() -> bytes:
    return activities_xml([IMM], generated=GENERATED, linked_data_default="https://ecosys.example/iati/")


@pytest.fixture(scope="module")
def root(document: bytes) -> ET.Element:
    return ET.fromstring(document)  # noqa: S314 - our own output, not untrusted input


def one(element: ET.Element, path: str) -> ET.Element:
    found = element.find(path)
    assert found is not None, path
    return found


def indicator_titled(root: ET.Element, title: str) -> ET.Element:
    matches = [i for i in root.iter("indicator") if title in {n.text for n in i.iterfind("title/narrative")}]
    assert len(matches) == 1, title
    return matches[0]


def test_the_shipped_schema_is_iati_2_03(schema: xmlschema.XMLSchema10) -> None:
    assert schema.version == "2.03"
    assert schema.validity == "valid"


def test_the_export_of_an_imm_contract_is_valid_iati_2_03(schema: xmlschema.XMLSchema10, document: bytes) -> None:
    schema.validate(io.BytesIO(document))
    assert document.startswith(b"<?xml version='1.0' encoding='utf-8'?>")


def test_the_file_says_its_version_and_when_it_was_generated(root: ET.Element) -> None:
    assert root.tag == "iati-activities"
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime") == "2019-03-01T09:30:00+01:00"
    assert root.get("linked-data-default") == "https://ecosys.example/iati/"


def test_the_activity_identifier_is_the_reporting_org_ref_and_the_contract_code(root: ET.Element) -> None:
    activity = one(root, "iati-activity")
    assert activity.findtext("iati-identifier") == "MA-MICIEN-IMM-CP"
    assert one(activity, "reporting-org").attrib == {"ref": "MA-MICIEN", "type": "10"}
    assert one(activity, "sector").attrib == {"vocabulary": "1", "code": "32110"}
    assert activity.get(XML_LANG) == "fr"


def test_titles_are_narratives_in_french_arabic_and_english(root: ET.Element) -> None:
    title = {n.get(XML_LANG): n.text for n in root.iterfind("iati-activity/title/narrative")}
    assert title == {
        "fr": "Contrats de performance des écosystèmes IMM",
        "ar": "عقود النجاعة لمنظومات الصناعات الميكانيكية والمعدنية",
        "en": "Performance contracts of the IMM ecosystems",
    }
    jobs = indicator_titled(root, "Jobs created")
    assert [n.get(XML_LANG) for n in jobs.iterfind("title/narrative")] == ["fr", "ar", "en"]
    assert one(jobs, f"title/narrative[@{XML_LANG}='ar']").text == "مناصب الشغل المحدثة"


def test_the_jobs_indicator_counts_units_and_improves_upwards(root: ET.Element) -> None:
    jobs = indicator_titled(root, "Jobs created")
    assert jobs.get("measure") == "1"
    assert jobs.get("ascending") == "1"
    assert jobs.findtext("description/narrative", "").startswith("Net new stable jobs")


def test_the_jobs_indicator_carries_its_2015_baseline(root: ET.Element) -> None:
    baseline = one(indicator_titled(root, "Jobs created"), "baseline")
    assert baseline.attrib == {"year": "2015", "iso-date": "2015-12-31", "value": "0"}
    assert baseline.findtext("comment/narrative") == "Before the first signing"


def test_the_jobs_targets_are_the_yearly_milestones_up_to_13340_in_2020(root: ET.Element) -> None:
    periods = indicator_titled(root, "Jobs created").findall("period")
    starts = [one(p, "period-start").get("iso-date") for p in periods]
    ends = [one(p, "period-end").get("iso-date") for p in periods]
    targets = [one(p, "target").get("value") for p in periods]
    assert starts == [f"{y}-01-01" for y in range(2016, 2021)]
    assert ends == [f"{y}-12-31" for y in range(2016, 2021)]
    assert targets == ["902", "4041", "9299", "12438", "13340"]


def test_actuals_appear_only_for_verified_years(root: ET.Element) -> None:
    periods = indicator_titled(root, "Jobs created").findall("period")
    actuals = {one(p, "period-start").get("iso-date"): p.find("actual") for p in periods}
    assert {start: a.get("value") for start, a in actuals.items() if a is not None} == {
        "2016-01-01": "1126",
        "2017-01-01": "3870",
    }
    assert actuals["2018-01-01"] is None
    verified = actuals["2016-01-01"]
    assert verified is not None
    comment = one(verified, "comment/narrative")
    assert (comment.text, comment.get(XML_LANG)) == ("Vérifié sur les déclarations CNSS", "fr")


def test_values_in_mad_are_written_as_plain_decimals(root: ET.Element) -> None:
    periods = indicator_titled(root, "Additional value added (MAD)").findall("period")
    assert one(periods[0], "actual").get("value") == "142000000"
    assert one(periods[-1], "target").get("value") == "1700000000"
    assert periods[-1].find("actual") is None


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("1.7E+9"), "1700000000"), (Decimal("2.5E-3"), "0.0025"), (Decimal("13340.50"), "13340.50"), (0, "0")],
)
def test_a_decimal_is_written_without_exponent(value: Decimal | int, text: str) -> None:
    assert decimal_text(value) == text


def test_a_non_finite_value_is_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        decimal_text(Decimal("NaN"))


def test_an_indicator_where_less_is_better_is_not_ascending(schema: xmlschema.XMLSchema10) -> None:
    delay = Indicator(
        title=texts(fr="Délai moyen d'accès au foncier (jours)", en="Average time to obtain land (days)"),
        ascending=False,
        baseline=Baseline(year=2015, value=180),
        periods=(Period(date(2020, 1, 1), date(2020, 12, 31), target=90),),
    )
    result = Result(ResultType.OUTPUT, texts(en="Industrial land"), (delay,))
    document = activities_xml([replace(IMM, results=(result,))], generated=GENERATED)
    schema.validate(io.BytesIO(document))
    assert b'ascending="0"' in document


def without_first(document: bytes, path: str) -> bytes:
    tree = ET.fromstring(document)  # noqa: S314 - our own output, not untrusted input
    one(tree, path.rsplit("/", 1)[0]).remove(one(tree, path))
    broken: bytes = ET.tostring(tree, encoding="utf-8")
    return broken


def test_the_validator_rejects_a_period_without_period_start(schema: xmlschema.XMLSchema10, document: bytes) -> None:
    broken = without_first(document, "iati-activity/result/indicator/period/period-start")
    errors = list(schema.iter_errors(io.BytesIO(broken)))
    assert errors
    assert "period" in (errors[0].path or "")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(io.BytesIO(broken))


def test_the_validator_rejects_an_actual_before_its_target(schema: xmlschema.XMLSchema10, document: bytes) -> None:
    tree = ET.fromstring(document)  # noqa: S314 - our own output, not untrusted input
    period = one(tree, "iati-activity/result/indicator/period")
    assert one(period, "actual").get("value") == "1126"
    target = one(period, "target")
    period.remove(target)
    period.append(target)  # now after <actual>
    assert not schema.is_valid(io.BytesIO(ET.tostring(tree, encoding="utf-8")))


def test_a_generation_time_without_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        activities_xml([IMM], generated=datetime(2019, 3, 1, 9, 30))  # noqa: DTZ001 - the point of the test


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2020, 12, 31), date(2020, 1, 1), target=1)


def test_a_file_needs_at_least_one_activity() -> None:
    with pytest.raises(ValueError, match="at least one activity"):
        activities_xml([], generated=GENERATED)
