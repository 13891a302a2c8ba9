"""After-commit notices to the members who have a family's plan or meeting open.

A notice names the item and who changed it (ids only). For a goal, an action or a decision
(PUSHED) the saving process renders the item's fragment once per audience class and sends
it with the notice to that class's group (push); any other notice goes to the family's
group, and each socket filters it by its user's scope (`audience`). A page fetches a
fragment through the access-checked view only when nothing was pushed. Publishing is best
effort: a notice that cannot be sent (the channel layer's Redis is down) is logged and
dropped, never fails the save; the pages reload what changed when their socket reconnects,
and polling still reports changes.
"""

import asyncio
import hashlib
import json
import logging
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

SEND_TIMEOUT_SECONDS = 1.0

# Kinds of item a notice can be about.
GOAL, ACTION, DECISION, MINUTES, AGENDA, MEETING = (
    "goal",
    "action",
    "decision",
    "minutes",
    "agenda",
    "meeting",
)
# Kinds whose fragment the saving process renders and pushes (push); the page fetches the rest.
PUSHED = frozenset({GOAL, ACTION, DECISION})
# Free text about anyone: for the family's full members only (networkgroup.access).
FULL_MEMBERS_ONLY = frozenset({MINUTES, AGENDA, MEETING})


def group_name(family_id: int) -> str:
    return f"live.family.{int(family_id)}"


def user_group(user_id: int) -> str:
    """Every live socket of one user (to re-check their access at once)."""
    return f"live.user.{int(user_id)}"


def session_digest(session_key: str) -> str:
    """How a notice names a session (its key is a credential: never sent as it is)."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def recheck_user(user_id: int, *, ended_session: str | None = None) -> None:
    """After the commit, have every open socket of this user check its access again (they
    logged out, lost a membership, were deactivated): the socket closes if the page would
    now be refused. A bulk change that sends no signal is caught by the periodic check.

    `ended_session`: the key of a session that is ending (a log-out), whose sockets close
    without reading it again — Django sends user_logged_out before it deletes the session,
    so a socket that read it at once could still find it valid."""
    group = user_group(user_id)
    message = {"type": "live.recheck"}
    if ended_session:
        message["ended"] = session_digest(ended_session)
    transaction.on_commit(lambda: publish(group, message))


def actor_name(user) -> str:
    return user.get_full_name() or user.get_username()


def live_changed(
    *,
    family_id: int,
    kind: str,
    pk: int,
    actor,
    person=None,
    goal_id: int | None = None,
    meeting_id: int | None = None,
    created: bool = False,
    data: dict | None = None,
) -> None:
    """Announce, once the current transaction commits, that `kind` `pk` changed.

    `person`: whom the item is about (None: the whole family); sockets whose user may not
    see that person never receive the notice. `data`: extra ids or numbers only.
    """
    message = {
        "type": "live.changed",
        "notice": uuid.uuid4().hex,  # one rendering per audience for this notice
        "kind": kind,
        "id": pk,
        "goal": goal_id,
        "meeting": meeting_id,
        "created": created,
        "by_id": actor.pk,
        "by": actor_name(actor),
        "audience": {
            "person": person.pk if person is not None else None,
            "role": person.role if person is not None else None,
            "full_only": kind in FULL_MEMBERS_ONLY,
        },
        "data": data or {},
    }
    transaction.on_commit(lambda: deliver(family_id, message))


def page_message(event: dict) -> dict:
    """What a page receives for a change notice (static/js/live.js): the same for every
    socket that may see it, so a pushed notice is encoded once per audience class (`frame`)."""
    message = {
        "type": "changed",
        **{k: event[k] for k in ("kind", "id", "goal", "meeting", "created", "by")},
        "by_id": event["by_id"],
        "data": event.get("data") or {},
    }
    if event.get("html") is not None:
        message["html"] = event["html"]
    return message


def frame(event: dict) -> dict:
    """The event as a class group carries it: what the sockets check (audience, meeting)
    and the page's message as one JSON text, encoded here once instead of per socket."""
    return {
        "type": event["type"],
        "meeting": event["meeting"],
        "audience": event["audience"],
        "text": json.dumps(page_message(event)),
    }


def deliver(family_id: int, message: dict) -> None:
    """Send a committed change's notice: rendered per audience class (push) for the kinds
    whose fragment is pushed, else (or when that fails) to the family's group."""
    if message["kind"] in PUSHED:
        from networkgroup.live import push

        try:
            sends = push.rendered(family_id, message)
        except Exception:
            logger.warning("Live fragments not rendered: the pages fetch them", exc_info=True)
            sends = None
        if sends is not None:
            publish_many([(group, frame(event)) for group, event in sends])
            return
    publish(group_name(family_id), message)


def publish(group: str, message: dict) -> bool:
    """Send `message` to `group` now; False (logged) if the channel layer did not take it."""
    return publish_many([(group, message)])


def publish_many(sends: list[tuple[str, dict]]) -> bool:
    """Send each (group, message) now; False (logged) if the channel layer did not take them."""
    layer = get_channel_layer()
    if layer is None or not sends:
        return False
    try:
        if not isinstance(layer, InMemoryChannelLayer):
            # channels-redis keeps connections per event loop: one loop of this process's own
            # sends them all, instead of a new loop (and connection) per save.
            asyncio.run_coroutine_threadsafe(_send(layer, sends), _publisher_loop()).result(
                timeout=SEND_TIMEOUT_SECONDS + 1
            )
        elif _loop_running_here():
            # Called from code that runs an event loop in this thread (a sync caller inside
            # one, e.g. a browser-test driver): send from a helper thread instead.
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(async_to_sync(_send), layer, sends).result()
        else:
            async_to_sync(_send)(layer, sends)
    except Exception:  # any channel layer's connection error or our timeout
        logger.warning("Live notice not sent to %s", [g for g, _m in sends], exc_info=True)
        return False
    return True


_publisher: tuple[int, asyncio.AbstractEventLoop] | None = None
_publisher_lock = threading.Lock()


def _publisher_loop() -> asyncio.AbstractEventLoop:
    """This process's sending loop, in a thread of its own (started again in a forked child)."""
    global _publisher
    with _publisher_lock:
        if _publisher is None or _publisher[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="live-publisher", daemon=True).start()
            _publisher = (os.getpid(), loop)
        return _publisher[1]


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def _send(layer, sends: list[tuple[str, dict]]) -> None:
    await asyncio.wait_for(
        asyncio.gather(*(layer.group_send(group, message) for group, message in sends)),
        timeout=SEND_TIMEOUT_SECONDS,
    )
