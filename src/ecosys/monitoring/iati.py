"""IATI 2.03 activity XML for the results of performance contracts.

A pure builder: frozen dataclasses describe one activity report per contract and
:func:`activities_xml` turns them into an ``<iati-activities version="2.03">`` document. Nothing here
touches Django or the database; the caller maps contracts, targets and verified figures to these
classes.

Element order follows the ``xsd:sequence`` of the shipped schema (``schemas/iati-2.03``):

* ``iati-activity``: iati-identifier, reporting-org, title, description, participating-org,
  activity-status, activity-date, recipient-country, sector, result;
* ``result``: title, description, indicator; ``indicator``: title, description, baseline, period;
* ``baseline``: comment; ``period``: period-start, period-end, target, actual; ``target`` and
  ``actual``: comment.

Codes come from the IATI 2.03 codelists; the ones Ecosys uses are spelled out in the enums below.
Sectors use vocabulary 1, the OECD DAC CRS 5-digit purpose codes: a performance contract between the
State and an industry federation is industrial policy, code 32110 ("Industrial policy and
administrative management"); 32120 ("Industrial development") and 32130 ("SME development") are the
neighbours to use for activities that fund firms directly.

IATI 2.03 has no unit for result values beyond ``@measure`` (1 = unit, 2 = percentage), so the unit
of a monetary indicator (e.g. MAD) belongs in the indicator's title. Values are written as plain
decimals, never with an exponent.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SECTOR_VOCABULARY_DAC_5 = "1"
DAC_INDUSTRIAL_POLICY = "32110"


class ResultType(StrEnum):
    OUTPUT = "1"
    OUTCOME = "2"
    IMPACT = "3"


class IndicatorMeasure(StrEnum):
    UNIT = "1"
    PERCENTAGE = "2"


class ActivityStatus(StrEnum):
    PIPELINE = "1"
    IMPLEMENTATION = "2"
    FINALISATION = "3"
    CLOSED = "4"
    CANCELLED = "5"
    SUSPENDED = "6"


class ActivityDateType(StrEnum):
    PLANNED_START = "1"
    ACTUAL_START = "2"
    PLANNED_END = "3"
    ACTUAL_END = "4"


class OrganisationRole(StrEnum):
    FUNDING = "1"
    ACCOUNTABLE = "2"
    EXTENDING = "3"
    IMPLEMENTING = "4"


@dataclass(frozen=True)
class Narrative:
    """One piece of human-readable text; ``lang`` is an ISO 639-1 code written as ``xml:lang``."""

    text: str
    lang: str | None = None


Text = tuple[Narrative, ...]


def texts(**by_lang: str) -> Text:
    """Return narratives in the order given, e.g. ``texts(fr="Emplois", en="Jobs", ar="مناصب الشغل")``."""
    return tuple(Narrative(text, lang) for lang, text in by_lang.items())


@dataclass(frozen=True)
class ReportingOrg:
    ref: str
    type_code: str
    name: Text


@dataclass(frozen=True)
class ParticipatingOrg:
    role: str
    name: Text
    ref: str | None = None
    type_code: str | None = None


@dataclass(frozen=True)
class ActivityDate:
    type_code: str
    iso_date: date


@dataclass(frozen=True)
class Sector:
    code: str
    vocabulary: str = SECTOR_VOCABULARY_DAC_5
    percentage: Decimal | None = None


@dataclass(frozen=True)
class Baseline:
    year: int
    value: Decimal | int | None
    iso_date: date | None = None
    comment: Text = ()


@dataclass(frozen=True)
class Period:
    """A reporting period; ``actual`` stays ``None`` until a figure has been verified."""

    start: date
    end: date
    target: Decimal | int | None = None
    actual: Decimal | int | None = None
    target_comment: Text = ()
    actual_comment: Text = ()

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class Indicator:
    """``ascending`` is True when more is better (jobs, value added), False when less is."""

    title: Text
    measure: str = IndicatorMeasure.UNIT
    ascending: bool = True
    description: Text = ()
    baseline: Baseline | None = None
    periods: tuple[Period, ...] = ()


@dataclass(frozen=True)
class Result:
    type_code: str
    title: Text
    indicators: tuple[Indicator, ...]
    description: Text = ()

    def __post_init__(self) -> None:
        if not self.indicators:
            raise ValueError("a result needs at least one indicator")


@dataclass(frozen=True)
class Activity:
    """One contract's report; its IATI identifier is the reporting org's ref, '-', the contract code."""

    reporting_org: ReportingOrg
    code: str
    title: Text
    description: Text
    status: str
    dates: tuple[ActivityDate, ...]
    participating_orgs: tuple[ParticipatingOrg, ...]
    sectors: tuple[Sector, ...] = ()
    results: tuple[Result, ...] = ()
    recipient_country: str | None = None
    default_lang: str | None = None
    last_updated: datetime | None = None

    def __post_init__(self) -> None:
        if not self.dates:
            raise ValueError("an activity needs at least one activity date")
        if not self.participating_orgs:
            raise ValueError("an activity needs at least one participating organisation")

    @property
    def identifier(self) -> str:
        return f"{self.reporting_org.ref}-{self.code}"


def decimal_text(value: Decimal | int) -> str:
    """Write a number as a plain decimal: ``Decimal("1.7E+9")`` gives ``"1700000000"``."""
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value}")
    return format(number, "f")


def _datetime_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("IATI date-times must carry a time zone")
    return moment.isoformat(timespec="seconds")


def _sub(parent: ET.Element, tag: str, **attrs: str | None) -> ET.Element:
    """Append ``<tag>``; attribute names use '_' for '-', attributes set to None are left out."""
    clean = {name.replace("_", "-"): value for name, value in attrs.items() if value is not None}
    return ET.SubElement(parent, tag, clean)


def _narratives(parent: ET.Element, items: Text) -> None:
    for item in items:
        narrative = ET.SubElement(parent, "narrative", {XML_LANG: item.lang} if item.lang else {})
        narrative.text = item.text


def _text_element(parent: ET.Element, tag: str, items: Text, *, required: bool = False) -> None:
    """Write ``<tag><narrative>…</narrative></tag>``; an empty optional text writes nothing."""
    if not items:
        if required:
            raise ValueError(f"<{tag}> needs at least one narrative")
        return
    _narratives(_sub(parent, tag), items)


def _number(value: Decimal | int | None) -> str | None:
    return None if value is None else decimal_text(value)


def _period(parent: ET.Element, period: Period) -> None:
    element = _sub(parent, "period")
    _sub(element, "period-start", iso_date=period.start.isoformat())
    _sub(element, "period-end", iso_date=period.end.isoformat())
    if period.target is not None:
        _text_element(_sub(element, "target", value=_number(period.target)), "comment", period.target_comment)
    if period.actual is not None:
        _text_element(_sub(element, "actual", value=_number(period.actual)), "comment", period.actual_comment)


def _indicator(parent: ET.Element, indicator: Indicator) -> None:
    element = _sub(parent, "indicator", measure=indicator.measure, ascending="1" if indicator.ascending else "0")
    _text_element(element, "title", indicator.title, required=True)
    _text_element(element, "description", indicator.description)
    if indicator.baseline is not None:
        base = indicator.baseline
        iso_date = base.iso_date.isoformat() if base.iso_date else None
        baseline = _sub(element, "baseline", year=str(base.year), iso_date=iso_date, value=_number(base.value))
        _text_element(baseline, "comment", base.comment)
    for period in indicator.periods:
        _period(element, period)


def _result(parent: ET.Element, result: Result) -> None:
    element = _sub(parent, "result", type=result.type_code)
    _text_element(element, "title", result.title, required=True)
    _text_element(element, "description", result.description)
    for indicator in result.indicators:
        _indicator(element, indicator)


def _activity(parent: ET.Element, activity: Activity) -> None:
    attrs: dict[str, str] = {}
    if activity.last_updated is not None:
        attrs["last-updated-datetime"] = _datetime_text(activity.last_updated)
    if activity.default_lang:
        attrs[XML_LANG] = activity.default_lang
    element = ET.SubElement(parent, "iati-activity", attrs)
    ET.SubElement(element, "iati-identifier").text = activity.identifier
    org = activity.reporting_org
    reporting = _sub(element, "reporting-org", ref=org.ref, type=org.type_code)
    if not org.name:
        raise ValueError("the reporting organisation needs a name")
    _narratives(reporting, org.name)
    _text_element(element, "title", activity.title, required=True)
    _text_element(element, "description", activity.description, required=True)
    for party in activity.participating_orgs:
        participant = _sub(element, "participating-org", ref=party.ref, type=party.type_code, role=party.role)
        _narratives(participant, party.name)
    _sub(element, "activity-status", code=activity.status)
    for when in activity.dates:
        _sub(element, "activity-date", type=when.type_code, iso_date=when.iso_date.isoformat())
    if activity.recipient_country:
        _sub(element, "recipient-country", code=activity.recipient_country)
    for sector in activity.sectors:
        _sub(element, "sector", vocabulary=sector.vocabulary, code=sector.code, percentage=_number(sector.percentage))
    for result in activity.results:
        _result(element, result)


def activities_xml(
    activities: Iterable[Activity], generated: datetime, linked_data_default: str | None = None
) -> bytes:
    """Return a UTF-8 ``<iati-activities version="2.03">`` document holding ``activities`` in order."""
    attrs = {"version": IATI_VERSION, "generated-datetime": _datetime_text(generated)}
    if linked_data_default:
        attrs["linked-data-default"] = linked_data_default
    root = ET.Element("iati-activities", attrs)
    for activity in activities:
        _activity(root, activity)
    if len(root) == 0:
        raise ValueError("an IATI activities file needs at least one activity")
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
