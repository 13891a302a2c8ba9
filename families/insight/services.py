"""The GDPR art. 15 insight: everything held about one person, as PDF and ZIP/JSON.

Each app contributes what it holds through families.registry.PersonalData; the access
log comes from the audit app. Only the person's own records and their family's
whole-family items are included, never another person's.
"""

import io
import json
import zipfile
from dataclasses import dataclass

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bi18.audit.citizens import Citizen, events_about
from bi18.audit.labels import event_label
from bi18.audit.services import audit_log
from bi18.lib.pdf import html_to_pdf
from families.registry import personal_data_sources


@dataclass
class Insight:
    person_name: str
    case_number: str
    produced_at: str
    purpose: str
    sections: list[tuple[str, list[dict]]]

    def as_json(self) -> dict:
        return {
            _("Person"): self.person_name,
            _("Case number"): self.case_number,
            _("Produced"): self.produced_at,
            _("Purpose"): self.purpose,
            _("Sections"): dict(self.sections),
        }


def _access_log(citizen: Citizen) -> list[dict]:
    return [
        {
            _("Time"): timezone.localtime(e.at).isoformat(timespec="seconds"),
            _("User"): e.actor_username,
            _("Action"): str(e.get_action_display()),
            _("What"): str(event_label(e.event)),
            _("Purpose"): e.purpose,
        }
        for e in events_about(citizen)
    ]


def insight_collect(*, citizen: Citizen, purpose: str) -> Insight:
    """Everything held about `citizen` (a registered person), in Danish."""
    person = citizen.person
    with translation.override("da"):
        sections: list[tuple[str, list[dict]]] = []
        for source in personal_data_sources():
            for title, rows in source.insight(person).items():
                sections.append((str(title), rows))
        sections.append((_("Access log: who looked up or changed the data"), _access_log(citizen)))
        return Insight(
            person_name=person.full_name,
            case_number=person.family.case_number,
            produced_at=timezone.localtime().isoformat(timespec="seconds"),
            purpose=purpose,
            sections=sections,
        )


@transaction.atomic
def insight_produce(*, actor, citizen: Citizen, purpose: str) -> None:
    audit_log(
        actor=actor,
        action="view",
        event="insight.report.produced",
        person=citizen.person,
        cpr_hash=citizen.cpr_hash,
        purpose=purpose,
    )


def render_pdf(insight: Insight) -> bytes:
    """In a child process with a time limit (bi18.lib.pdf): raises PdfTimeout or PdfError."""
    with translation.override("da"):
        html = render_to_string("insight/insight_print.html", {"insight": insight})
    return html_to_pdf(html)


def render_zip(insight: Insight) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, translation.override("da"):
        archive.writestr(
            "indsigt.json", json.dumps(insight.as_json(), ensure_ascii=False, indent=2)
        )
        archive.writestr("indsigt.pdf", render_pdf(insight))
        archive.writestr(
            "LÆS MIG.txt",
            _(
                "Insight under the GDPR, article 15: indsigt.json holds every record about you, "
                "section by section; indsigt.pdf is the same, printable."
            ),
        )
    return buffer.getvalue()


@transaction.atomic
def insight_export(*, actor, citizen: Citizen, purpose: str, fmt: str) -> tuple[bytes, str]:
    """The export in `fmt` ("pdf" or "zip"), audited before it is built (so that the
    export is itself in the access log it contains)."""
    audit_log(
        actor=actor,
        action="export",
        event="insight.report.exported",
        person=citizen.person,
        cpr_hash=citizen.cpr_hash,
        purpose=purpose,
        detail={"format": fmt},
    )
    insight = insight_collect(citizen=citizen, purpose=purpose)
    if fmt == "pdf":
        return render_pdf(insight), "application/pdf"
    return render_zip(insight), "application/zip"
