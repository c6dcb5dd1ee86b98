import pytest

from ecosys.core.errors import PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from ecosys.programmes.models import ActivityProduct, Ecosystem
from ecosys.programmes.selectors import value_chain_csv, value_chain_rows
from ecosys.programmes.services.valuechain import FILE_INVALID, value_chain_import

pytestmark = pytest.mark.django_db


def test_exporting_then_importing_a_value_chain_changes_nothing(imm, make_user):
    eco = Ecosystem.objects.get(code="IMM-VAL")
    rows = value_chain_rows(ecosystem=eco)
    counts = value_chain_import(
        actor=make_user(Role.FEDERATION_OFFICER), ecosystem=eco, file=value_chain_csv(ecosystem=eco)
    )
    assert counts == {"created": 0, "deleted": 0}
    assert value_chain_rows(ecosystem=eco) == rows


def test_a_french_semicolon_file_replaces_the_value_chain(imm, make_user):
    eco = Ecosystem.objects.get(code="IMM-NM")
    text = "maillon;activité;code_sh\nCycles;Assemblage de bicyclettes;8712\nCycles;Pièces;8714.10\n"
    value_chain_import(actor=make_user(Role.MINISTRY_ADMIN), ecosystem=eco, file=text.encode("utf-8"))
    assert value_chain_rows(ecosystem=eco) == [
        ("Cycles", "Assemblage de bicyclettes", "8712"),
        ("Cycles", "Pièces", "871410"),
    ]


def test_an_unknown_hs_code_is_reported_with_its_row_and_column_and_nothing_changes(imm, make_user):
    eco = Ecosystem.objects.get(code="IMM-VAL")
    before = ActivityProduct.objects.count()
    text = "tier,activity,hs_code\nFonderie,Pièces,7325\nFonderie,Pièces,999999\nFonderie,,7616\n"
    with pytest.raises(ValidationFailed) as excinfo:
        value_chain_import(actor=make_user(Role.MINISTRY_ADMIN), ecosystem=eco, file=text)
    assert excinfo.value.message == FILE_INVALID
    assert [(d["row"], d["column"]) for d in excinfo.value.details] == [(3, "hs_code"), (4, "activity")]
    assert "999999" in str(excinfo.value.details[0]["message"])
    assert ActivityProduct.objects.count() == before


def test_an_ecosystem_manager_edits_only_their_own_ecosystem(imm, make_user):
    val, nav = Ecosystem.objects.get(code="IMM-VAL"), Ecosystem.objects.get(code="IMM-NAV")
    manager = make_user(Role.ECOSYSTEM_MANAGER, ecosystem=val)
    value_chain_import(actor=manager, ecosystem=val, file=value_chain_csv(ecosystem=val))
    with pytest.raises(PermissionDenied):
        value_chain_import(actor=manager, ecosystem=nav, file=value_chain_csv(ecosystem=nav))


def test_a_file_that_is_not_utf8_is_refused(imm, make_user):
    eco = Ecosystem.objects.get(code="IMM-VAL")
    with pytest.raises(ValidationFailed) as excinfo:
        value_chain_import(
            actor=make_user(Role.MINISTRY_ADMIN),
            ecosystem=eco,
            file="tier,activity,hs_code\nA,B,7204\n".encode("utf-16"),
        )
    assert excinfo.value.code == "file_encoding"
