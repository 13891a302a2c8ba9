from django.contrib.auth import get_user_model
from django.db.models import Count

from bi18.lib import bulk
from bi18.lib.prepared import fixed_values
from families.records.access import documents_visible, notes_visible, scope_for, scope_given
from families.records.models import NoteKind
from families.registry import DemoSeeder, FamilyPanel


def panel_context(request, family, people):
    """The latest notes and the document count the user may see (fixed query count; both
    queries built once per process, bi18.lib.prepared.fixed_values)."""
    scope = scope_for(request.user, family, visible_people=people)
    values = {"family": family.pk, "hidden": sorted(scope.hidden)}
    shape = scope.whole_family
    User = get_user_model()  # noqa: N806 - the author's name as User.__str__ gives it
    notes = [
        {
            "pk": row["pk"],
            "occurred_at": row["occurred_at"],
            "heading": row["heading"],
            "kind_label": NoteKind(row["kind"]).label,
            "author": str(
                User(
                    username=row["author__username"],
                    first_name=row["author__first_name"],
                    last_name=row["author__last_name"],
                )
            ),
        }
        for row in fixed_values(
            ("records.panel_notes", shape), lambda v: _latest_notes(v, shape), values
        )
    ]
    counted = fixed_values(
        ("records.panel_documents", shape), lambda v: _document_count(v, shape), values
    )
    return {
        "family": family,
        "notes": notes,
        "document_count": counted[0]["n"] if counted else 0,
        "may_write": bool(scope.people) or scope.may_write_whole_family,
    }


def _latest_notes(v, whole_family):
    return (
        notes_visible(None, v["family"], scope_given(v, whole_family))
        .order_by("-occurred_at", "-id")
        .values(
            "pk",
            "occurred_at",
            "heading",
            "kind",
            "author__username",
            "author__first_name",
            "author__last_name",
        )[:5]
    )


def _document_count(v, whole_family):
    return (
        documents_visible(None, v["family"], scope_given(v, whole_family))
        .order_by()
        .values("family_id")
        .annotate(n=Count("pk"))
        .values("n")
    )


PANEL = FamilyPanel(
    key="records", order=3, template="records/_family_panel.html", context=panel_context
)


def seed_notes(*, rng, family_ids, users, today, **kwargs):
    """Demo journal notes: per family one whole-family note (some shareable with UU) and
    one note about each parent and the eldest child, dated in the last months."""
    import datetime

    from django.utils import timezone

    from families.models import Person, PersonRole
    from families.records.models import Note, NoteKind

    author = users.get("family_caseworker")
    if author is None:
        return
    kinds = [k for k, _label in NoteKind.choices]
    whole_family = [
        ("Netværksmøde forberedt", "Familien er orienteret om næste møde og har bedt om tolk."),
        ("Hjemmebesøg", "Familien viste rundt i lejligheden. Børnene var hjemme fra skole."),
        ("Status på samlet plan", "Planen er gennemgået med familien; ingen ændringer."),
    ]
    about_parent = [
        ("Samtale om praktik", "Vi talte om ønsket branche og om transport til praktikstedet."),
        ("Telefonsamtale", "Forælderen ringede om mødetidspunktet og blev vejledt."),
    ]
    about_child = [("Skolesamtale", "Samtale med skolen om fravær og lektiehjælp.")]
    notes, links = [], []
    people = (
        Person.objects.filter(family_id__in=family_ids)
        .order_by("family_id", "role", "date_of_birth", "id")
        .values_list("pk", "family_id", "role")
    )
    by_family: dict[int, list[tuple[int, str]]] = {}
    for pk, family_id, role in people.iterator(chunk_size=5000):
        by_family.setdefault(family_id, []).append((pk, role))

    def at(days_back: int):
        moment = datetime.datetime.combine(
            today - datetime.timedelta(days=days_back), datetime.time(9 + rng.randint(0, 6))
        )
        return timezone.make_aware(moment)

    # Plain tuples inserted with bi18.lib.bulk (≈ 200,000 notes at 50,000 families), the rng
    # drawn in the same order as ever: same seed, same notes.
    now = timezone.now()
    for family_id in family_ids:
        heading, text = rng.choice(whole_family)
        occurred_at = at(rng.randint(5, 120))
        notes.append(
            (family_id, occurred_at, rng.choice(kinds), heading, text, rng.random() < 0.5)
            + (author.pk, now, 1)
        )
        links.append(None)
        members = by_family.get(family_id, [])
        parents = [pk for pk, role in members if role == PersonRole.PARENT]
        children = [pk for pk, role in members if role == PersonRole.CHILD]
        for pk in parents + children[:1]:
            heading, text = rng.choice(about_parent if pk in parents else about_child)
            occurred_at = at(rng.randint(2, 90))
            notes.append(
                (family_id, occurred_at, rng.choice(kinds), heading, text, False)
                + (author.pk, now, 1)
            )
            links.append(pk)
    note_ids = bulk.insert_rows(
        Note,
        ["family", "occurred_at", "kind", "heading", "text", "shareable_with_uu"]
        + ["author", "created_at", "version"],
        notes,
        ids=True,
    )
    bulk.insert_rows(
        Note.people.through,
        ["note", "person"],
        [(n, pk) for n, pk in zip(note_ids, links, strict=True) if pk is not None],
    )


DEMO_SEEDER = DemoSeeder(key="records.notes", order=95, seed=seed_notes)
