import pytest

from bi18.accounts.roles import Role
from tests.factories import PASSWORD, FamilyFactory, PersonFactory, UserFactory, add_member, child
from tests.redis_server import app_on_redis, redis_server  # noqa: F401 - fixtures for all tests


@pytest.fixture(autouse=True)
def _danish_ui(settings):
    # Tests read Danish pages exactly as users do.
    settings.LANGUAGE_CODE = "da"


def _user(role, username):
    # Fixed names: a random Danish name (Faker) could match another test's search text.
    return UserFactory(
        username=username, role=role, first_name=username.title(), last_name="Testbruger"
    )


@pytest.fixture
def caseworker(db):
    return _user(Role.FAMILY_CASEWORKER, "caseworker")


@pytest.fixture
def other_caseworker(db):
    return _user(Role.FAMILY_CASEWORKER, "other_caseworker")


@pytest.fixture
def employment_consultant(db):
    return _user(Role.EMPLOYMENT_CONSULTANT, "employment_consultant")


@pytest.fixture
def company_consultant(db):
    return _user(Role.COMPANY_CONSULTANT, "company_consultant")


@pytest.fixture
def job_mentor(db):
    return _user(Role.JOB_MENTOR, "job_mentor")


@pytest.fixture
def retention_counsellor(db):
    return _user(Role.RETENTION_COUNSELLOR, "retention_counsellor")


@pytest.fixture
def manager(db):
    return _user(Role.MANAGER, "manager")


@pytest.fixture
def budget_officer(db):
    return _user(Role.BUDGET_OFFICER, "budget_officer")


@pytest.fixture
def administrator(db):
    return _user(Role.ADMIN, "administrator")


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def family(db, caseworker):
    """A family of two parents and two children; `caseworker` coordinates its group."""
    fam = FamilyFactory()
    PersonFactory(family=fam, first_name="Amina", last_name="Hassan", cpr="120385-4012")
    PersonFactory(family=fam, first_name="Omar", last_name="Hassan")
    child(family=fam, first_name="Sara", last_name="Hassan")
    child(family=fam, first_name="Ali", last_name="Hassan")
    add_member(fam, caseworker, coordinator=True)
    return fam


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
