"""The one access rule for case data. Every view of personal data goes through here.

Outsiders get 404, never 403, so that a family's existence does not leak (SPEC §2).
"""

from django.http import Http404

from families.models import Family, Person


def get_family_for_user(user, pk) -> Family:
    try:
        return Family.objects.visible_to(user).get(pk=pk)
    except (Family.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_person_for_user(user, pk) -> Person:
    try:
        return Person.objects.visible_to(user).select_related("family").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_full_member(user, family: Family) -> bool:
    """A network-group member (as opposed to someone assigned to one person only)."""
    return family.members.filter(user=user).exists()


def is_coordinator(user, family: Family) -> bool:
    return family.members.filter(user=user, is_coordinator=True).exists()
