"""Issue 15: comparison cohort import, matching, effect estimates, the decision basis page,
its PDF, the pseudonymised extract and the read-only API."""

import csv
import datetime
import io
import re

import pyarrow.parquet as pq
import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from budget.evaluation import extract, importer, rules, services
from budget.evaluation.demo import SIMULATED_EFFECT
from budget.evaluation.models import (
    ComparisonPerson,
    ComparisonStatus,
    ComparisonUpload,
    EvaluationExtract,
    Match,
)
from employment.models import EmploymentTrack
from families.demo import seed_demo
from families.models import Family, Person
from tests.factories import UserFactory

HEADER = "household_id;cpr;first_name;last_name;role;district;benefit_category;benefit_since;in_other_effort;language;interpreter_needed\n"


def cohort_csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


FAMILY_ROWS = (
    "H-1;010180-1235;Fatima;Khan;parent;Nørrebro;activity_ready;2019-05-01;yes;arabisk;ja",
    "H-1;020281-1236;Hassan;Khan;parent;Nørrebro;job_ready;2020-01-01;no;arabisk;ja",
    "H-1;030310-4238;Leila;Khan;child;Nørrebro;;;;;",
)


@pytest.fixture(autouse=True)
def eager_celery():
    """Run tasks in-process even when REDIS_URL is set (nothing is left in the broker)."""
    from bi18.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def evaluator(db):
    return UserFactory(username="evaluator", role=Role.EVALUATOR)


# --- Rules ------------------------------------------------------------------------------------


def test_a_status_holds_from_its_date_until_the_next():
    history = [(datetime.date(2026, 1, 1), "benefit"), (datetime.date(2026, 3, 1), "internship")]
    assert rules.status_on(history, datetime.date(2025, 12, 31)) is None
    assert rules.status_on(history, datetime.date(2026, 2, 28)) == "benefit"
    assert rules.status_on(history, datetime.date(2026, 3, 1)) == "internship"


def test_comparison_outcomes_are_measured_like_the_pilots():
    start = datetime.date(2026, 1, 10)
    internship = [(datetime.date(2025, 1, 1), "benefit"), (datetime.date(2026, 3, 1), "internship")]
    assert rules.comparison_outcome("t1", internship, start)
    assert not rules.comparison_outcome("work_6", internship, start)
    # Left for a job before month 6 and back on benefits by then: T1 counts it, as the
    # dashboard does for the pilot; "in work within 6 months" too.
    job = [
        (datetime.date(2025, 1, 1), "benefit"),
        (datetime.date(2026, 4, 1), "ordinary_job"),
        (datetime.date(2026, 6, 1), "benefit"),
    ]
    assert rules.comparison_outcome("t1", job, start)
    assert rules.comparison_outcome("work_6", job, start)
    # A job after month 6 counts for 12 months only.
    late = [(datetime.date(2026, 8, 1), "wage_subsidy")]
    assert not rules.comparison_outcome("work_6", late, start)
    assert rules.comparison_outcome("work_12", late, start)
    assert rules.comparison_outcome("t2", [(datetime.date(2026, 2, 1), "education")], start)


def test_someone_already_in_a_job_is_no_comparison_for_an_enrolment_that_day():
    day = datetime.date(2026, 5, 1)
    history = [(datetime.date(2026, 4, 1), "ordinary_job")]
    assert not rules.on_benefits_at(history, datetime.date(2020, 1, 1), day)
    assert rules.on_benefits_at(
        [(datetime.date(2026, 4, 1), "internship")], datetime.date(2020, 1, 1), day
    )
    assert not rules.on_benefits_at([], datetime.date(2026, 6, 1), day)


# --- The imports ---------------------------------------------------------------------------------


def test_cohort_import_is_dry_run_first_idempotent_and_stores_no_names(db):
    dry = importer.comparison_cohort_import(data=cohort_csv(*FAMILY_ROWS), dry_run=True)
    assert (dry.families_created, dry.people_created) == (1, 3)
    assert ComparisonPerson.objects.count() == 0
    first = importer.comparison_cohort_import(data=cohort_csv(*FAMILY_ROWS))
    assert first.as_dict() == dry.as_dict()
    again = importer.comparison_cohort_import(data=cohort_csv(*FAMILY_ROWS))
    assert (again.families_created, again.people_created, again.people_updated) == (0, 0, 0)
    # Kept apart from the pilot: no family, no person, and no name anywhere.
    assert Family.objects.count() == 0 and Person.objects.count() == 0
    parent = ComparisonPerson.objects.get(benefit_category="activity_ready")
    assert parent.in_other_effort  # the rest of the target group is kept, unlike the pilot's
    assert not any("Khan" in str(v) for v in ComparisonPerson.objects.values_list())
    assert AuditEvent.objects.filter(event="evaluation.cohort.imported").count() == 2


def test_a_pilot_person_cannot_be_a_comparison(family):
    data = cohort_csv("H-9;120385-4012;Amina;Hassan;parent;Vanløse;activity_ready;2020-01-01;no;;")
    report = importer.comparison_cohort_import(data=data)
    assert report.people_created == 0
    assert "pilot" in report.rejected[0]["message"]
    assert "120385" not in str(report.as_dict())


def test_outcome_import_rejects_unknown_people_bad_rows_and_keeps_one_status_a_day(db):
    importer.comparison_cohort_import(data=cohort_csv(*FAMILY_ROWS))
    data = (
        b"cpr;date;status\n"
        b"010180-1235;2026-02-01;praktik\n"
        b"020281-1236;2026-02-01;job\n"
        b"020281-1236;2026-02-01;benefit\n"
        b"111111-1118;2026-02-01;job\n"
        b"010180-1235;2099-01-01;job\n"
        b"010180-1235;2026-03-01;ferie\n"
    )
    report = importer.comparison_outcomes_import(data=data)
    assert report.created == 1
    rejected = {r["row"]: r["message"] for r in report.rejected}
    assert set(rejected) == {3, 4, 5, 6, 7}
    assert "comparison cohort" in rejected[5] or "sammenligning" in rejected[5]
    assert report.as_of == "2026-02-01"
    again = importer.comparison_outcomes_import(data=data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert ComparisonStatus.objects.get().status == "internship"


def test_the_upload_page_refuses_a_bad_file_in_danish_and_previews_before_import(
    login, administrator
):
    client = login(administrator)
    url = reverse("evaluation:upload")
    response = client.post(url, {"kind": "outcomes", "file": io.BytesIO(b"")})
    assert response.status_code == 200
    assert "Filen er tom" in response.content.decode() or "tom" in response.content.decode()
    upload = io.BytesIO(cohort_csv(*FAMILY_ROWS))
    upload.name = "sammenligning.csv"
    response = client.post(url, {"kind": "cohort", "file": upload})
    item = ComparisonUpload.objects.get()
    assert response.url == reverse("evaluation:upload_preview", args=[item.pk])
    assert ComparisonPerson.objects.count() == 0
    page = client.get(response.url).content.decode()
    assert 'data-count="people_created">3<' in page
    client.post(reverse("evaluation:upload_commit", args=[item.pk]))
    assert ComparisonPerson.objects.count() == 3
    item.refresh_from_db()
    assert item.data_encrypted == b"" or bytes(item.data_encrypted) == b""


def test_caseworkers_and_managers_cannot_import_the_comparison(login, caseworker, manager):
    for user in (caseworker, manager):
        assert login(user).get(reverse("evaluation:upload")).status_code == 403


# --- Demo with a known effect: the page, the PDF and the extract -------------------------------


@pytest.mark.django_db(transaction=False)
def test_demo_decision_basis_covers_the_simulated_effect_and_the_extract_is_pseudonymised(
    client, settings, django_capture_on_commit_callbacks
):
    seed_demo(families=130, seed=1, today=datetime.date(2026, 12, 1))
    manager = Person.objects.none()  # noqa: F841 – readability: the users come from the seed
    from bi18.accounts.models import User

    client.force_login(User.objects.get(username="leder"))
    page = client.get(reverse("evaluation:decision")).content.decode()
    row = re.search(
        r'data-outcome="t1" data-group="overall">.*?data-low="([-0-9.e]+)" data-high="([-0-9.e]+)"',
        page,
        re.S,
    )
    assert row, "the T1 row with its interval is shown"
    low, high = float(row.group(1)), float(row.group(2))
    assert low <= SIMULATED_EFFECT["t1"] <= high
    assert low > 0  # the demo's effect is large enough to be seen
    # Deterministic: computing again gives the same matches.
    before = sorted(Match.objects.values_list("pilot_person_id", "comparison_person_id"))
    services.evaluation_run_execute(run_id=None)
    assert sorted(Match.objects.values_list("pilot_person_id", "comparison_person_id")) == before

    pdf = client.get(reverse("evaluation:decision_pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    client.force_login(User.objects.get(username="evaluator"))
    purpose = "Ekstern evaluering, kontrakt 2027-03"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluation:extracts"), {"purpose": purpose})
    first = EvaluationExtract.objects.get()
    assert first.status == "done" and first.rows > 0 and first.progress == 100
    response = client.post(
        reverse("evaluation:extract_download", args=[first.pk]),
        {"purpose": purpose, "format": "csv"},
    )
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert set(rows[0]) == set(extract.COLUMNS)
    assert {r["group"] for r in rows} == {"pilot", "comparison"}
    # No name, no CPR number, no date, no free text.
    names = set()
    for first_name, last_name in Person.objects.values_list("first_name", "last_name"):
        names.update((first_name, last_name))
    cells = {v for r in rows for v in r.values()}
    assert not names & cells
    assert not re.search(r"\b\d{6}-?\d{4}\b", text)
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text)
    goals = set(EmploymentTrack.objects.exclude(goal="").values_list("goal", flat=True))
    assert goals and not any(goal in text for goal in goals)
    assert all(re.fullmatch(r"[0-9a-f]{20}", r["pseudonym"]) for r in rows)
    assert AuditEvent.objects.filter(
        event="evaluation.extract.downloaded", purpose=purpose
    ).exists()
    parquet = client.post(
        reverse("evaluation:extract_download", args=[first.pk]),
        {"purpose": purpose, "format": "parquet"},
    )
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.num_rows == len(rows)

    # Stable across extracts, different with another key.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluation:extracts"), {"purpose": purpose})
    second = EvaluationExtract.objects.order_by("-pk").first()
    again = client.post(
        reverse("evaluation:extract_download", args=[second.pk]),
        {"purpose": purpose, "format": "csv"},
    ).content.decode()
    assert {r["pseudonym"] for r in csv.DictReader(io.StringIO(again))} == {
        r["pseudonym"] for r in rows
    }
    settings.EVALUATION_PSEUDONYM_KEY = "another key"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evaluation:extracts"), {"purpose": purpose})
    third = EvaluationExtract.objects.order_by("-pk").first()
    other = client.post(
        reverse("evaluation:extract_download", args=[third.pk]),
        {"purpose": purpose, "format": "csv"},
    ).content.decode()
    assert not {r["pseudonym"] for r in csv.DictReader(io.StringIO(other))} & {
        r["pseudonym"] for r in rows
    }


def test_no_evaluation_yet_says_what_to_do(login, manager):
    page = login(manager).get(reverse("evaluation:decision")).content.decode()
    assert "Ingen evaluering endnu" in page or "No evaluation yet" in page


def test_a_download_needs_a_purpose(login, evaluator):
    item = EvaluationExtract.objects.create(purpose="x" * 12, status="done")
    client = login(evaluator)
    response = client.post(
        reverse("evaluation:extract_download", args=[item.pk]), {"purpose": "", "format": "csv"}
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(event="evaluation.extract.downloaded").exists()


def test_managers_see_the_decision_basis_but_not_the_extract(login, manager, caseworker):
    client = login(manager)
    assert client.get(reverse("evaluation:decision")).status_code == 200
    assert client.get(reverse("evaluation:extracts")).status_code == 403
    assert login(caseworker).get(reverse("evaluation:decision")).status_code == 403


# --- The API ------------------------------------------------------------------------------------------

API_URLS = [
    ("api:targets", {}),
    ("api:budget", {}),
    ("api:evaluation", {}),
    ("api:extracts", {}),
    ("api:extract_download", {"pk": 1}),
    ("api:schema", {}),
    ("api:docs", {}),
]


def test_the_api_schema_validates():
    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/v1/evaluation/" in schema["paths"]


@pytest.mark.parametrize("name,kwargs", API_URLS)
def test_every_api_endpoint_refuses_a_caseworker_and_an_anonymous_request(
    client, caseworker, name, kwargs
):
    url = reverse(name, kwargs=kwargs)
    assert client.get(url).status_code in (401, 403)
    client.force_login(caseworker)
    assert client.get(url).status_code == 403


def test_a_machine_user_reads_with_a_token_and_every_read_is_audited(client, evaluator, manager):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("api_token_create", "evaluator", stdout=out)
    token = out.getvalue().strip()
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get(reverse("api:targets"), **headers).status_code == 200
    assert client.get(reverse("api:extracts"), **headers).status_code == 200
    assert client.get(reverse("api:targets"), HTTP_AUTHORIZATION="Token wrong").status_code == 401
    assert AuditEvent.objects.filter(event="evaluation.api.read", actor=evaluator).count() == 2
    # Managers: aggregates, not the extract.
    client.force_login(manager)
    assert client.get(reverse("api:budget")).status_code == 200
    assert client.get(reverse("api:extracts")).status_code == 403
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200 and "swagger" in docs.content.decode().lower()
    assert "cdn" not in docs.content.decode().lower()


def test_the_api_is_rate_limited(client, manager, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    # The rates are read once into the class: patch them there (restored after the test).
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "2/min", "extract": "1/min"})
    cache.clear()
    try:
        client.force_login(manager)
        codes = [client.get(reverse("api:targets")).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
    finally:
        cache.clear()


def test_the_decision_basis_reads_stored_figures_in_a_fixed_number_of_queries(
    login, manager, django_assert_max_num_queries
):
    importer.comparison_cohort_import(data=cohort_csv(*FAMILY_ROWS))
    ComparisonUpload.objects.create(
        kind="outcomes", file_name="x.csv", committed_at=datetime.datetime.now(datetime.UTC),
        as_of=datetime.date(2026, 11, 30),
    )  # fmt: skip
    services.evaluation_run_execute(run_id=None)
    client = login(manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("evaluation:decision")).content.decode()
    assert "Khan" not in page and "010180" not in page


def test_a_pilot_parent_is_in_work_from_the_recorded_job_on(db):
    from employment import rules as employment_rules
    from tests.employment_factories import InternshipFactory, TrackFactory

    track = TrackFactory(start=datetime.date(2026, 1, 5))
    ended = InternshipFactory(
        track=track,
        start=datetime.date(2026, 1, 20),
        planned_end=datetime.date(2026, 4, 20),
        actual_end=datetime.date(2026, 4, 1),
        status="ended",
        end_reason="wage_subsidy",
    )

    def in_work(day):
        return employment_rules.gone_on(track, day, employment_rules.WORK)

    assert not in_work(datetime.date(2026, 3, 31))
    assert in_work(datetime.date(2026, 4, 1))
    ended.end_reason = "new_internship"
    ended.save()
    assert not in_work(datetime.date(2026, 7, 5))
    track.outcome, track.outcome_date = "ordinary_job", datetime.date(2026, 7, 1)
    assert in_work(datetime.date(2026, 7, 5))
    track.outcome = "education"
    assert not in_work(datetime.date(2026, 7, 5))


@pytest.mark.parametrize("seed", range(40))
def test_the_fast_matching_gives_the_same_matches_as_its_definition(seed):
    import copy
    import random

    from budget.evaluation import compute

    rng = random.Random(seed)
    day0 = datetime.date(2024, 1, 1)

    def some_day(span=900):
        return day0 + datetime.timedelta(days=rng.randint(0, span))

    buckets = [("activity_ready", "nørrebro", "4"), ("job_ready", "valby", "2-3")]
    pool: dict = {}
    for n in range(rng.randint(0, 60)):
        history = []
        if rng.random() < 0.3:
            history.append((some_day(), rng.choice(["ordinary_job", "internship", "benefit"])))
        cand = compute.Candidate(
            id=n,
            cpr_hash=f"{rng.getrandbits(64):016x}",
            # Any day of the year: month ends and 29 February move an age band's limits.
            date_of_birth=datetime.date(rng.choice([1980, 1990, 1996]), 1, 1)
            + datetime.timedelta(days=rng.randint(0, 365)),
            benefit_since=None
            if rng.random() < 0.1
            else some_day(1200) - datetime.timedelta(days=400),
            history=history,
        )
        pool.setdefault(rng.choice(buckets), []).append(cand)
    units = []
    for n in range(rng.randint(0, 30)):
        index = some_day() + datetime.timedelta(days=300)
        birth = datetime.date(rng.choice([1980, 1990, 1996]), 1, 1) + datetime.timedelta(
            days=rng.randint(0, 365)
        )
        units.append(
            compute.Unit(
                kind="parent",
                person_id=n,
                track_id=n,
                index=index,
                cohort="",
                bucket=rng.choice(buckets),
                age_band=rules.age_band(birth, index),
                months=rng.choice([None, *range(0, 40)]),
            )
        )
    units.sort(key=lambda u: (u.index, u.person_id))
    caliper = rng.choice([0, 3, 12])
    fast, slow = copy.deepcopy(units), copy.deepcopy(units)
    compute.match(fast, pool, {}, caliper=caliper)
    compute.match_brute_force(slow, pool, {}, caliper=caliper)
    assert [(u.match_id, u.distance) for u in fast] == [(u.match_id, u.distance) for u in slow]


def test_a_comparison_persons_access_report_shows_the_imports(login, administrator):
    importer.comparison_cohort_import(data=cohort_csv(*FAMILY_ROWS), actor=administrator)
    importer.comparison_outcomes_import(
        data=b"cpr;date;status\n010180-1235;2026-02-01;praktik\n", actor=administrator
    )
    client = login(administrator)
    response = client.post(
        reverse("audit:citizen_report"),
        {"cpr": "010180-1235", "purpose": "Borgerens anmodning om indsigt"},
        follow=True,
    )
    page = response.content.decode()
    from bi18.audit.labels import event_label

    assert event_label("evaluation.cohort.person_created") in page
    assert event_label("evaluation.outcomes.person_updated") in page
    # Only this person's entries: the spouse's registration is not in the report.
    assert page.count(event_label("evaluation.cohort.person_created")) == 1


def test_an_evaluator_who_can_download_person_level_data_needs_a_second_factor(evaluator, manager):
    from bi18.accounts.twofactor.policy import needs_second_factor

    assert needs_second_factor(evaluator)
    assert not needs_second_factor(manager)


@pytest.mark.parametrize(
    "on",
    [
        datetime.date(2026, 2, 28),
        datetime.date(2028, 2, 29),
        datetime.date(2026, 3, 1),
        datetime.date(2026, 4, 30),
        datetime.date(2026, 8, 31),
        datetime.date(2026, 12, 31),
        datetime.date(2027, 1, 15),
    ],
)
def test_an_age_bands_birth_dates_are_exactly_those_of_age_band(on):
    """The matching compares birth dates with rules.age_band_births instead of age_band
    (for someone born by the index date; later births keep age_band itself)."""
    limits = {label: rules.age_band_births(label, on) for _low, _high, label in rules.AGE_BANDS}
    born = on - datetime.timedelta(days=366 * 55)
    while born <= on:
        band = rules.age_band(born, on)
        inside = [label for label, (after, upto) in limits.items() if after < born <= upto]
        assert inside == ([band] if band else []), (born, on)
        born += datetime.timedelta(days=1)


@pytest.mark.parametrize("seed", range(10))
def test_the_fast_matching_agrees_at_month_ends_and_age_band_limits(seed):
    """Dense strata of benefit starts and births on month ends and on an age band's limit,
    where the fast matching's per-pair arithmetic could part from months_between and
    age_band (caliper 0: every month counts)."""
    import copy
    import random

    from budget.evaluation import compute

    rng = random.Random(seed)

    def month_end_ish(year: int) -> datetime.date:
        month = rng.randint(1, 12)
        last = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(1)).day
        return datetime.date(year, month, rng.choice([1, 28, last - 1, last]))

    index_days = [month_end_ish(2026) for _ in range(8)]
    bucket = ("activity_ready", "valby", "4")
    pool = {bucket: []}
    for n in range(300):
        index = rng.choice(index_days)
        years = rng.choice([25, 30, 40])
        born = rules.age_band_births(rules.age_band(index - datetime.timedelta(days=365 * years + 10), index), index)[1]  # fmt: skip
        pool[bucket].append(
            compute.Candidate(
                id=n,
                cpr_hash=f"{rng.getrandbits(64):016x}",
                date_of_birth=born + datetime.timedelta(days=rng.choice([-1, 0, 1])),
                benefit_since=month_end_ish(rng.choice([2024, 2025])),
                history=[],
            )
        )
    units = []
    for n, index in enumerate(sorted(index_days * 15)):
        birth = rng.choice(pool[bucket]).date_of_birth
        units.append(
            compute.Unit(
                kind="parent", person_id=n, track_id=n, index=index, cohort="", bucket=bucket,
                age_band=rules.age_band(birth, index), months=rng.randint(6, 30),
            )
        )  # fmt: skip
    for caliper in (0, 1):
        fast, slow = copy.deepcopy(units), copy.deepcopy(units)
        compute.match(fast, pool, {}, caliper=caliper)
        compute.match_brute_force(slow, pool, {}, caliper=caliper)
        assert [(u.match_id, u.distance) for u in fast] == [(u.match_id, u.distance) for u in slow]
        assert sum(u.match_id is not None for u in fast) > 10
