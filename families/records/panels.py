from bi18.lib import bulk
from families.records.access import documents_visible, notes_visible, scope_for
from families.registry import DemoSeeder, FamilyPanel


def panel_context(request, family, people):
    """The latest notes and the document count the user may see (fixed query count)."""
    scope = scope_for(request.user, family, visible_people=people)
    notes = list(
        notes_visible(request.user, family, scope)
        .select_related("author")
        .order_by("-occurred_at", "-id")[:5]
    )
    return {
        "family": family,
        "notes": notes,
        "document_count": documents_visible(request.user, family, scope).count(),
        "may_write": bool(scope.people) or scope.may_write_whole_family,
    }


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

    for family_id in family_ids:
        heading, text = rng.choice(whole_family)
        notes.append(
            (
                Note(
                    family_id=family_id, occurred_at=at(rng.randint(5, 120)), kind=rng.choice(kinds),
                    heading=heading, text=text, shareable_with_uu=rng.random() < 0.5, author=author,
                ),
                None,
            )
        )  # fmt: skip
        members = by_family.get(family_id, [])
        parents = [pk for pk, role in members if role == PersonRole.PARENT]
        children = [pk for pk, role in members if role == PersonRole.CHILD]
        for pk in parents + children[:1]:
            heading, text = rng.choice(about_parent if pk in parents else about_child)
            note = Note(
                family_id=family_id, occurred_at=at(rng.randint(2, 90)), kind=rng.choice(kinds),
                heading=heading, text=text, author=author,
            )  # fmt: skip
            notes.append((note, pk))
    bulk.create([n for n, _pk in notes])
    through = Note.people.through
    links = [through(note_id=n.pk, person_id=pk) for n, pk in notes if pk is not None]
    bulk.create(links)


DEMO_SEEDER = DemoSeeder(key="records.notes", order=95, seed=seed_notes)
