"""The changed item's HTML, rendered once per audience class in the process that saved it.

After the commit (notify.live_changed), a goal's, action's or decision list's fragment is
rendered once for each audience class of the family's network group — the users with one
audience key (RecordPolicy.audience_key: they see exactly the same records) — and once per
language a page of the family is open in, and sent with the notice to that class's group,
JSON-encoded once for all its sockets (notify.frame). A goal's header and an action's row
show the item alone, the same to everyone who may see it: those are read once and rendered
once per language for every class that may (fragments.Shared).

* `plan_group(family, token, language)`: goals and actions, for the family's plan and
  meeting pages;
* `meeting_group(meeting, token, language)`: that meeting's decision list.

A socket joins its class's groups when it is admitted (and moves when a re-check finds its
class changed), so it only forwards what arrives: no database work per push in the ASGI
server. A class gets nothing about an item about a person its members may not see (the
notice's audience, checked with a member's scope as the socket would) and no HTML it may
not see (the fragment is rendered as one of its members, through networkgroup.fragments,
the code of the HTTP views).

The classes of a family come from its members (cached until a membership or user changes,
`forget_classes`); a class is rendered as one of its members only after checking that
member's audience key still matches, so a stale cache can cost a push, never leak one.
Nothing is rendered for a family that no page has open (`mark_open`, refreshed by each
socket's periodic re-check).
"""

import hashlib
import logging
import threading
import time
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import Http404
from django.utils import translation

from families import scope as family_scope
from families.models import Family, NetworkMember
from families.scope import scope_for
from networkgroup import access, fragments
from networkgroup.live.admission import sees

logger = logging.getLogger(__name__)

OPEN_SECONDS = 150  # > admission.RECHECK_SECONDS: each open socket refreshes its mark
CLASSES_SECONDS = 300
# How long this process renders as a member it loaded before (their roles, permissions and
# scope kept on the user object): no longer than an open socket goes without its re-check
# (admission.RECHECK_SECONDS), and never past a change of the classes' generation.
MEMBER_SECONDS = 60
_PREFIX = "networkgroup:live"


def class_token(key) -> str | None:
    """A short stable name for an audience key (same in every process), None for None."""
    if key is None:
        return None
    return hashlib.sha256(repr(_canonical(key)).encode()).hexdigest()[:24]


def _canonical(value):
    if isinstance(value, set | frozenset):
        return tuple(sorted(_canonical(v) for v in value))
    if isinstance(value, tuple | list):
        return tuple(_canonical(v) for v in value)
    return value


def plan_group(family_id: int, token: str, language: str) -> str:
    return f"live.plan.{int(family_id)}.{token}.{language}"


def meeting_group(meeting_id: int, token: str, language: str) -> str:
    return f"live.meeting.{int(meeting_id)}.{token}.{language}"


def _open_key(family_id: int, language: str) -> str:
    return f"{_PREFIX}:open:{int(family_id)}:{language}"


_GENERATION_KEY = f"{_PREFIX}:classes-generation"


def _new_generation() -> str:
    generation = uuid.uuid4().hex
    cache.add(_GENERATION_KEY, generation, None)
    return cache.get(_GENERATION_KEY, generation)


def _generation() -> str:
    generation = cache.get(_GENERATION_KEY)
    return generation if generation is not None else _new_generation()


def _classes_key(family_id: int) -> str:
    # The value is (generation, classes): classes of an older generation are not used.
    return f"{_PREFIX}:classes:{int(family_id)}"


def forget_classes() -> None:
    """A membership, an assignment or a user changed: every family's classes are computed
    again (rare; and every rendering checks its member's key anyway)."""
    try:
        cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:
        logger.warning("Live audience classes not reset: the cache did not answer", exc_info=True)


def _current(stored, generation: str):
    """Cached classes if they are of this generation, else None."""
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == generation:
        return stored[1]
    return None


def audience_classes(
    family_id: int, generation: str | None = None
) -> dict[str, dict[str, list[int]]]:
    """{"plan": {token: [user ids]}, "meeting": {token: [user ids]}} of the family's members
    (their keys from the members this process keeps: one query for a family's classes)."""
    generation = generation or _generation()
    key = _classes_key(family_id)
    found = _current(cache.get(key), generation)
    if found is not None:
        return found
    return _compute_classes(family_id, generation)


def _compute_classes(family_id: int, generation: str) -> dict[str, dict[str, list[int]]]:
    classes: dict[str, dict[str, list[int]]] = {"plan": {}, "meeting": {}}
    ids = list(
        NetworkMember.objects.filter(family_id=family_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    users = _members.get(set(ids), generation)
    for user_id in ids:
        for name, policy in (("plan", access.PLAN), ("meeting", access.MEETING)):
            token = class_token(policy.audience_key(users.get(user_id), family_id))
            if token is not None:
                classes[name].setdefault(token, []).append(user_id)
    cache.set(_classes_key(family_id), (generation, classes), CLASSES_SECONDS)
    return classes


def mark_open(family_id: int, language: str, tokens: dict[str, str | None]) -> None:
    """A socket of this family is open in `language` (its periodic re-check keeps the mark);
    if its classes are missing from the cached ones, those are computed again."""
    try:
        cache.set(_open_key(family_id, language), 1, OPEN_SECONDS)
        found = cache.get_many([_GENERATION_KEY, _classes_key(family_id)])
        known = _current(found.get(_classes_key(family_id)), found.get(_GENERATION_KEY))
        if known is not None and any(
            token is not None and token not in known[name] for name, token in tokens.items()
        ):
            cache.delete(_classes_key(family_id))
    except Exception:
        logger.warning("Live page not marked open: the cache did not answer", exc_info=True)


def lookup(family_id: int) -> tuple[list[str], str, dict | None]:
    """In one cache round trip: the languages a page of the family is open in, the classes'
    generation and the family's classes (None: not cached for this generation)."""
    codes = [code for code, _name in settings.LANGUAGES]
    keys = [_open_key(family_id, code) for code in codes]
    found = cache.get_many([_GENERATION_KEY, _classes_key(family_id), *keys])
    languages = [code for code, key in zip(codes, keys, strict=True) if key in found]
    generation = found.get(_GENERATION_KEY)
    if generation is None:
        return languages, _new_generation() if languages else "", None
    return languages, generation, _current(found.get(_classes_key(family_id)), generation)


def rendered(family_id: int, message: dict) -> list[tuple[str, dict]] | None:
    """(group, message) for each audience class and open language that may see the change
    (with the fragment's HTML when it can be shown), or None when no page of the family is
    open (as far as the cache knows: the caller then sends the plain notice)."""
    languages, generation, known = lookup(family_id)
    if not languages:
        return None
    meeting_id = message.get("meeting")
    decision = message["kind"] == "decision"
    if decision and meeting_id is None:
        return []
    if known is None:
        known = _compute_classes(family_id, generation)
    classes = known["meeting" if decision else "plan"]
    member_ids = {pk for ids in classes.values() for pk in ids}
    users = _members.get(member_ids, generation)
    kind = message["kind"]
    # A goal's header and an action's row are the same HTML for every class that may see
    # them: the item is read once and each language rendered once (fragments.Shared).
    shared = (
        fragments.Shared(kind, family_id, message["id"])
        if kind == "action" or (kind == "goal" and not message["created"])
        else None
    )
    family = (
        Family(pk=family_id)  # only its id is read for a shared fragment
        if shared is not None
        else Family.objects.get(pk=family_id)
    )
    html: dict[tuple[str | None, str], str] = {}
    sends = []
    for token, ids in classes.items():
        found = _as_class(token, [users[pk] for pk in ids if pk in users], family, message, shared)
        if found is None:
            continue  # the class may not see it (or no member of it may open this page)
        for language in languages:
            group = (
                meeting_group(meeting_id, token, language)
                if decision
                else plan_group(family_id, token, language)
            )
            event = dict(message)
            if found is not False:
                # The shared fragment once per language; a class's own fragment per class.
                # (Not keyed by id(found): a class's rendering is freed when the loop moves
                # on, and a later class's could get its id and so another class's HTML.)
                key = (None if shared is not None else token, language)
                if key not in html:
                    with translation.override(language):
                        html[key] = fragments.render(found)
                event["html"] = html[key]
            sends.append((group, event))
    return sends


def _as_class(token: str, users: list, family, message: dict, shared=None):
    """The fragment as the class `token` sees it; False: the class may know of the change
    but gets no HTML (gone, or no longer theirs: the page fetches it and learns so); None:
    nothing for this class."""
    kind, pk = message["kind"], message["id"]
    policy = access.MEETING if kind == "decision" else access.PLAN
    for user in users:
        if class_token(policy.audience_key(user, family.pk)) != token:
            continue  # changed since the classes were cached: not this class any more
        if not sees(scope_for(user), family.pk, message["audience"]):
            return None
        if shared is not None:
            return shared.found if shared.found and shared.may_see(user) else False
        try:
            if kind == "decision":
                # Members of a youth class see the meetings they attend: one who attends.
                meeting = access.get_meeting(user, family, message["meeting"])
                return fragments.decision_list(user, family, meeting)
            # A new goal's block (with the actions this class may see).
            return fragments.goal_block(user, family, pk)
        except Http404:
            if kind == "decision":
                continue
            return False
    return None


class _Members:
    """The users this process renders as, loaded once and kept MEMBER_SECONDS with what
    they carry (roles, permissions, scope: four queries each when loaded): a save then
    checks each class's member against the class (`_as_class`) without a query. Dropped
    when the classes' generation changes (a membership, an assignment or a user changed
    anywhere: push.forget_classes) or this process's scopes were reset
    (families.scope.scope_changed). A kept member whose key no longer matches its class
    is only skipped, as before: a stale entry can cost a push, never leak one."""

    def __init__(self):
        self._lock = threading.Lock()
        self._users: dict[int, object] = {}
        self._state: tuple = ()

    def get(self, ids: set[int], generation: str) -> dict[int, object]:
        now = time.monotonic()
        state = (generation, family_scope._generation)
        with self._lock:
            if state != self._state:
                self._users, self._state = {}, state
            users = self._users
            found = {pk: users[pk][1] for pk in ids if pk in users and users[pk][0] > now}
        missing = sorted(ids - found.keys())
        if missing:
            loaded = get_user_model().objects.in_bulk(missing)
            with self._lock:
                if self._state == state:
                    self._users.update(
                        (pk, (now + MEMBER_SECONDS, user)) for pk, user in loaded.items()
                    )
            found.update(loaded)
        return found

    def clear(self) -> None:
        with self._lock:
            self._users, self._state = {}, ()


_members = _Members()
