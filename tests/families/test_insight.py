"""GDPR art. 15 insight for one person (issue 13 §5)."""

import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from bi18.audit.models import AuditEvent
from families.cpr import cpr_hash, encrypt_cpr, parse_cpr
from families.models import Person, PersonRole
from families.records import services as records
from families.records.access import scope_for

TODAY = datetime.date(2026, 12, 1)
CPR = "070389-1238"


@pytest.fixture
def demo(db):
    from families.demo import seed_demo

    return seed_demo(families=6, seed=5, today=TODAY)


@pytest.fixture
def subject(demo):
    """A demo parent with an employment track, their CPR number set to CPR."""
    from employment.models import EmploymentTrack

    track = EmploymentTrack.objects.select_related("person__family").order_by("pk").first()
    person = track.person
    Person.objects.filter(pk=person.pk).update(
        cpr_hash=cpr_hash(CPR), cpr_encrypted=encrypt_cpr(parse_cpr(CPR))
    )
    EmploymentTrack.objects.filter(pk=track.pk).update(goal="Buschauffør i Movia")
    person.refresh_from_db()
    return person


def _post(client, cpr=CPR, purpose="Anmodning om indsigt, j.nr. 2026-117"):
    return client.post(reverse("insight:start"), {"cpr": cpr, "purpose": purpose}, follow=True)


def _zip_json(client, token) -> dict:
    response = client.post(reverse("insight:download", args=["zip"]), {"r": token})
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == {"indsigt.json", "indsigt.pdf", "LÆS MIG.txt"}
    assert archive.read("indsigt.pdf").startswith(b"%PDF")
    return json.loads(archive.read("indsigt.json"))


def test_the_export_holds_every_record_about_the_person_and_nothing_about_others(
    login, subject, administrator
):
    family = subject.family
    others = list(Person.objects.exclude(pk=subject.pk))
    author = family.members.filter(group_role="family_caseworker").first().user
    scope = scope_for(author, family)
    other_parent = family.people.filter(role=PersonRole.PARENT).exclude(pk=subject.pk).first()
    when = timezone.now() - datetime.timedelta(days=1)
    records.note_create(
        actor=author, family=family, scope=scope, kind="phone", heading="Opkald fra Kontanthjælp",
        text="Om dig", people=[subject], occurred_at=when,
    )  # fmt: skip
    if other_parent:
        records.note_create(
            actor=author, family=family, scope=scope, kind="phone", heading="Hemmelig anden",
            text="Kun om den anden forælder", people=[other_parent], occurred_at=when,
        )  # fmt: skip
    client = login(administrator)
    page = _post(client)
    assert subject.full_name in page.content.decode()
    token = page.request["QUERY_STRING"].removeprefix("r=")
    data = _zip_json(client, token)
    text = json.dumps(data, ensure_ascii=False)

    sections = data["Afsnit"]
    assert sections["Person"][0]["CPR-nummer"] == CPR
    assert sections["Person"][0]["Fornavn"] == subject.first_name
    assert any(
        t["Beskæftigelsesmål"] == "Buschauffør i Movia" for t in sections["Beskæftigelsesforløb"]
    )
    assert "Opkald fra Kontanthjælp" in text
    assert "Adgangslog: hvem har slået oplysningerne op eller ændret dem" in sections
    assert any(
        e["Hvad"] for e in sections["Adgangslog: hvem har slået oplysningerne op eller ændret dem"]
    )
    # Nothing about anyone else: no other person's name, and not the other parent's note.
    assert "Hemmelig anden" not in text
    for other in others:
        assert other.full_name not in text, other.full_name
        assert other.first_name + " " not in text or other.first_name == subject.first_name


def test_the_pdf_is_danish_and_audited(login, subject, administrator):
    client = login(administrator)
    token = _post(client).request["QUERY_STRING"].removeprefix("r=")
    response = client.post(reverse("insight:download", args=["pdf"]), {"r": token})
    assert response["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Indsigt (GDPR art. 15)" in pdf_text and subject.first_name in pdf_text
    produced = AuditEvent.objects.get(event="insight.report.produced")
    assert produced.person_id == subject.pk and produced.purpose.startswith("Anmodning")
    assert CPR not in json.dumps(produced.detail) and produced.cpr_hash == cpr_hash(CPR)
    assert AuditEvent.objects.filter(event="insight.report.exported", detail__format="pdf").exists()


def test_a_purpose_is_required_and_an_unknown_cpr_is_said_plainly(login, subject, administrator):
    client = login(administrator)
    assert "Dette felt er påkrævet" in _post(client, purpose=" ").content.decode()
    page = _post(client, cpr="010101-1234").content.decode()
    assert "Ingen person med dette CPR-nummer er registreret" in page
    assert not AuditEvent.objects.filter(event="insight.report.produced").exists()


def test_caseworkers_cannot_produce_insight(login, subject, caseworker):
    assert (
        login(caseworker).post(reverse("insight:start"), {"cpr": CPR, "purpose": "x"}).status_code
        == 403
    )
