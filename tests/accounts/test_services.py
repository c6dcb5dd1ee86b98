import pytest

from ecosys.accounts.models import Organisation
from ecosys.accounts.services import (
    COMPANY_ROLE_NEEDS_COMPANY,
    ICE_INVALID,
    ICE_REQUIRED,
    ICE_TAKEN,
    LANGUAGE_UNKNOWN,
    api_token_authenticate,
    api_token_create,
    membership_create,
    organisation_create,
    user_language_set,
)
from ecosys.core.errors import PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from tests.factories import VALID_ICES, CompanyFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_company_is_created_with_its_ice_in_compact_form(make_user):
    admin = make_user(Role.MINISTRY_ADMIN)
    company = organisation_create(actor=admin, kind="company", name="Aciéries du Nord", ice="00 21 36 09 30 00 040")
    assert company.ice == "002136093000040"


@pytest.mark.parametrize("ice", ["001561191000065", "12345", "00156119100006A", "0015611910000660"])
def test_an_invalid_ice_is_refused_naming_the_field_and_nothing_is_written(make_user, ice):
    admin = make_user(Role.MINISTRY_ADMIN)
    before = Organisation.objects.count()
    with pytest.raises(ValidationFailed) as excinfo:
        organisation_create(actor=admin, kind="company", name="X", ice=ice)
    assert excinfo.value.fields == {"ice": ICE_INVALID}
    assert Organisation.objects.count() == before


def test_a_company_without_ice_is_refused(make_user):
    with pytest.raises(ValidationFailed) as excinfo:
        organisation_create(actor=make_user(Role.MINISTRY_ADMIN), kind="company", name="X")
    assert excinfo.value.message == ICE_REQUIRED


def test_two_organisations_cannot_share_an_ice(make_user):
    admin = make_user(Role.MINISTRY_ADMIN)
    organisation_create(actor=admin, kind="company", name="A", ice=VALID_ICES[0])
    with pytest.raises(ValidationFailed) as excinfo:
        organisation_create(actor=admin, kind="company", name="B", ice=VALID_ICES[0])
    assert excinfo.value.message == ICE_TAKEN


def test_a_company_user_cannot_create_organisations(make_user):
    with pytest.raises(PermissionDenied):
        organisation_create(actor=make_user(Role.COMPANY_USER), kind="ministry", name="X")


def test_the_company_role_is_only_given_inside_a_company():
    with pytest.raises(ValidationFailed) as excinfo:
        membership_create(actor=None, user=UserFactory(), organisation=OrganisationFactory(), role=Role.COMPANY_USER)
    assert excinfo.value.message == COMPANY_ROLE_NEEDS_COMPANY
    with pytest.raises(ValidationFailed):
        membership_create(actor=None, user=UserFactory(), organisation=CompanyFactory(), role=Role.MINISTRY_ADMIN)


def test_an_api_token_is_stored_as_a_digest_and_authenticates_its_user():
    user = UserFactory()
    token, key = api_token_create(actor=user, name="scripts")
    assert key not in token.digest and len(token.digest) == 64
    assert api_token_authenticate(key) == user
    assert api_token_authenticate(key + "x") is None


def test_a_person_sets_their_preferred_language(make_user):
    user = make_user(Role.AUDITOR)
    user_language_set(actor=user, language="ar")
    user.refresh_from_db()
    assert user.preferred_language == "ar"


@pytest.mark.parametrize("language", ["de", "", "AR", "fr-ca"])
def test_an_unknown_preferred_language_is_refused_naming_the_field_and_nothing_is_written(make_user, language):
    user = make_user(Role.AUDITOR)
    with pytest.raises(ValidationFailed) as excinfo:
        user_language_set(actor=user, language=language)
    assert excinfo.value.fields == {"preferred_language": LANGUAGE_UNKNOWN}
    user.refresh_from_db()
    assert user.preferred_language == "fr"
