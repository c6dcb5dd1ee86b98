"""The IMM contract's results exported as IATI 2.03, validated against the shipped schema."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from ecosys.accounts.models import Organisation
from ecosys.core.roles import Role
from ecosys.investments.demo import demo_generate
from ecosys.investments.services.declarations import headcount_reconcile
from ecosys.monitoring import iati

pytestmark = pytest.mark.django_db
SCHEMA = Path(iati.__file__).parent / "schemas" / "iati-2.03" / "iati-activities-schema.xsd"
URL = "/monitoring/pai-2014-2020/iati.xml?as_of=2018-12"


@pytest.fixture
def client(imm, make_user, client_for):
    demo_generate()
    headcount_reconcile(actor=None)
    return client_for(make_user(Role.AUDITOR))


def _jobs_periods(root: ET.Element) -> dict[str, tuple[str | None, str | None]]:
    for indicator in root.iter("indicator"):
        title = indicator.find("title/narrative").text or ""
        if "emploi" in title.lower():
            return {
                p.find("period-start").get("iso-date")[:4]: (
                    p.find("target").get("value") if p.find("target") is not None else None,
                    p.find("actual").get("value") if p.find("actual") is not None else None,
                )
                for p in indicator.iter("period")
            }
    raise AssertionError("no jobs indicator")


def test_the_contract_results_are_valid_iati_2_03_with_verified_actuals_for_closed_years(client):
    response = client.get(URL)

    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    xmlschema.XMLSchema10(str(SCHEMA)).validate(response.content)
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.get("version") == "2.03"
    activity = root.find("iati-activity")
    assert activity.find("iati-identifier").text == "MA-ECOSYS-MICIEN-IMM-CP"  # provisional until set
    periods = _jobs_periods(root)
    assert periods["2018"][1] == "5878"  # net verified jobs at the end of 2018
    assert periods["2019"][1] is None and periods["2020"] == ("13340", None)
    baseline = next(i for i in root.iter("indicator")).find("baseline")
    assert baseline.get("year") == "2015"


def test_the_registered_iati_identifier_of_the_ministry_is_used_once_set(client):
    Organisation.objects.filter(acronym="MICIEN").update(iati_identifier="XM-OCHA-MA-TEST")
    root = ET.fromstring(client.get(URL).content)  # noqa: S314 - our own output
    assert root.find("iati-activity/iati-identifier").text == "XM-OCHA-MA-TEST-IMM-CP"
    assert root.find("iati-activity/reporting-org").get("ref") == "XM-OCHA-MA-TEST"
