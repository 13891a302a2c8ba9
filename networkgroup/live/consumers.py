"""The live socket of one open plan or meeting page.

Admitted like the page (admission.admit), refused before the handshake completes otherwise
— the same refusal for a family that does not exist and one the user may not see. While
open it forwards:

* change notices (notify.live_changed) whose item this user may see, and only for this
  page (a meeting's notices to that meeting's sockets). A goal's, action's or decision
  list's notice comes with its HTML, rendered in the saving process once per audience class
  (push): the socket joins its class's groups when admitted — class and language decided
  there, by the one policy (RecordPolicy.audience_key) — and moves when a re-check finds
  its class changed, so it does no database work per push. Other notices come through the
  family's group. Each notice is still checked against this user's scope (`sees`). No
  audit row per push: the socket's open is the audited read (reads);
* presence: who else has the family's plan or meetings open, and which item each is
  editing — the item only to sockets whose user may see it; the page puts the item's text
  next to the name from what it already shows.

Access ends the socket (close code 4403): re-checked every admission.RECHECK_SECONDS and at
once when the user's memberships, account or session change (notify.recheck_user).

Messages from the page: {"type": "editing", "kind": "goal"|"action"|null, "id": n},
{"type": "resync", "since": <last plan change id>} after a reconnect, {"type": "ping"}.
"""

import asyncio
import contextlib
import json
import logging
import random

from channels.consumer import get_handler_name
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from bi18.accounts.middleware import language_from_cookies
from bi18.audit.services import audit_log
from networkgroup import access
from networkgroup.live import admission, notify, push, reads
from networkgroup.live.db import live_sync_to_async

# Sent when access ends while the socket is open (the page reloads and gets the log-in
# page or 404); a socket refused at the handshake gets HTTP 403 from the server.
CLOSE_ACCESS_ENDED = 4403
# The page reconnects after this one (static/js/live.js), through admission as at first.
CLOSE_RECHECK_FAILED = 1011

logger = logging.getLogger(__name__)
RESYNC_LIMIT = 200
MAX_MESSAGE_CHARS = 1000  # what a page sends is a few dozen characters


class LiveConsumer(AsyncJsonWebsocketConsumer):
    grant: admission.Admission | None = None
    editing: dict | None = None
    class_groups: frozenset[str] = frozenset()

    async def dispatch(self, message):
        """Channels' dispatch, without its close_old_connections() before every message: that
        is a hop to the server's one sync thread for each notice each socket forwards (the
        costliest step of a delivery, and every socket's deliveries queued behind each
        other). This consumer's database calls all run through live_sync_to_async, whose
        threads close old connections around each call themselves (live.db)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- opening and closing -----------------------------------------------------------

    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        self.family_id = int(kwargs["family_pk"])
        self.meeting_id = int(kwargs["meeting_pk"]) if kwargs.get("meeting_pk") else None
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        self.language = language_from_cookies(self.scope.get("cookies") or {})
        self._recheck_lock = asyncio.Lock()
        self.grant = await self._admit(audit=True)
        if self.grant is None:
            await self.close()
            return
        self.group = notify.group_name(self.family_id)
        self.user_group = notify.user_group(self.grant.user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        await self._join_class_groups()
        await self.accept()
        await self.send_json({"type": "hello", "me": self.grant.user.pk})
        await self._announce("presence.join")
        self._recheck_task = asyncio.create_task(self._recheck_loop())

    async def disconnect(self, code):
        task = getattr(self, "_recheck_task", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.grant is not None:
            with contextlib.suppress(Exception):
                await self._announce("presence.leave")
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(self.user_group, self.channel_name)
            for group in self.class_groups:
                await self.channel_layer.group_discard(group, self.channel_name)

    def _class_groups_of(self, grant: admission.Admission) -> dict[str, str | None]:
        return {
            "plan": push.class_token(grant.audiences.get("goal")),
            "meeting": push.class_token(grant.audiences.get("decision"))
            if self.meeting_id
            else None,
        }

    async def _join_class_groups(self) -> None:
        """The groups the saves push this user's audience class's fragments to (push); on a
        re-check that finds the class changed, leaves the old ones first."""
        tokens = self._class_groups_of(self.grant)
        groups = set()
        if tokens["plan"]:
            groups.add(push.plan_group(self.family_id, tokens["plan"], self.language))
        if tokens["meeting"]:
            groups.add(push.meeting_group(self.meeting_id, tokens["meeting"], self.language))
        for group in self.class_groups - groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        for group in groups - self.class_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.class_groups = frozenset(groups)

    @live_sync_to_async
    def _admit(self, *, audit: bool):
        found = admission.admit(
            session_key=self.session_key,
            family_id=self.family_id,
            meeting_id=self.meeting_id,
            family=None if audit else self.grant.family,  # a re-check: the family it opened
        )
        if found is None:
            return None
        reads.cover_reads(session_key=self.session_key, family_id=self.family_id)
        if audit:
            # The one audited read of this open page; the refreshes it causes are covered.
            audit_log(
                actor=found.user,
                action="view",
                event="networkgroup.meeting.live_opened"
                if self.meeting_id
                else "networkgroup.plan.live_opened",
                family=found.family,
                detail={"meeting_id": self.meeting_id} if self.meeting_id else {},
                request=admission.client_request(self.scope),
            )
        self._touch_presence(found.user)
        push.mark_open(self.family_id, self.language, self._class_groups_of(found))
        return found

    def _touch_presence(self, user) -> list[dict]:
        """Pages that fell back to polling see socket users too (best effort, cache); returns
        everyone else on the cache's list (staff names only)."""
        from networkgroup.presence import presence_touch

        try:
            present = presence_touch(family_id=self.family_id, user=user)
        except Exception:
            return []
        return [e for e in present if e["user_id"] != user.pk]

    async def _recheck_loop(self):
        # The first round at a random point of a period's width: sockets opened together
        # (a server restart, a meeting starting) are re-checked spread over the period,
        # not all in the same second.
        delay = admission.RECHECK_SECONDS * random.uniform(0.5, 1.5)  # noqa: S311
        while True:
            await asyncio.sleep(delay)
            delay = admission.RECHECK_SECONDS
            try:
                kept = await self._recheck()
            except Exception:
                # Fail closed: a socket whose access cannot be checked again (the database
                # gone) is not kept open unchecked; the page reconnects and is admitted anew.
                logger.warning("Live socket closed: its access re-check failed", exc_info=True)
                await self.close(code=CLOSE_RECHECK_FAILED)
                return
            if not kept:
                return
            # Keeps this socket on the others' lists (a crashed server's sockets fade out).
            await self._announce("presence.here")

    async def _recheck(self) -> bool:
        # One re-check at a time per socket: the periodic round and a change's re-check
        # (live_recheck) run their database calls in different threads (live.db), so without
        # this an answer read before a change could land after the one read after it and put
        # the socket back in an audience class it has just left.
        async with self._recheck_lock:
            if getattr(self, "grant_ended", False):
                return False
            found = await self._admit(audit=False)
            if found is None:
                self.grant_ended = True
                await self.close(code=CLOSE_ACCESS_ENDED)
                return False
            self.grant = found
            await self._join_class_groups()
            return True

    async def live_recheck(self, event):
        """Access may have changed (notify.recheck_user): check now, not at the next round.
        This socket's own session logging out ends it without reading the session again."""
        if getattr(self, "grant_ended", False):
            return
        ended = event.get("ended")
        if ended and self.session_key and ended == notify.session_digest(self.session_key):
            self.grant_ended = True
            await self.close(code=CLOSE_ACCESS_ENDED)
            return
        await self._recheck()

    # --- from the page -----------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Anything but a small JSON text is ignored, never an error that ends the socket.
        if not text_data or len(text_data) > MAX_MESSAGE_CHARS:
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "ping":
            # Stay on the polling pages' list (cache presence), and learn who is there by
            # polling only (a proxy that blocks their sockets).
            present = await live_sync_to_async(self._touch_presence)(self.grant.user)
            await self.send_json({"type": "pong", "present": present})
        elif kind == "editing":
            self.editing = await self._editing_item(content.get("kind"), content.get("id"))
            await self._announce("presence.editing")
        elif kind == "resync":
            await self.send_json(await self._resync(content.get("since")))

    @live_sync_to_async
    def _editing_item(self, kind, pk) -> dict | None:
        """The item this user says they edit, if it is one of this family's that they may
        see, with its audience; anything else is "editing nothing"."""
        if kind not in (notify.GOAL, notify.ACTION) or not isinstance(pk, int):
            return None
        user, family = self.grant.user, self.grant.family
        try:
            if kind == notify.GOAL:
                person = access.get_goal(user, family, pk).person
            else:
                person = access.get_action(user, family, pk).goal.person
        except Http404:
            return None
        return {
            "kind": kind,
            "id": pk,
            "audience": {
                "person": person.pk if person else None,
                "role": person.role if person else None,
            },
        }

    @live_sync_to_async
    def _resync(self, since) -> dict:
        """What changed in the plan after `since` (a plan-history id), as this user may see
        it: the page refreshes those items after a reconnect."""
        from networkgroup.models import PlanChange

        since = since if isinstance(since, int) and since >= 0 else 0
        rows = list(
            access.changes(
                self.grant.user,
                PlanChange.objects.filter(plan__family_id=self.family_id, id__gt=since),
            )
            .order_by("id")
            .values_list("id", "goal_id", "action_id")[: RESYNC_LIMIT + 1]
        )
        return {
            "type": "resync",
            "too_many": len(rows) > RESYNC_LIMIT,
            "last": max((r[0] for r in rows), default=since),
            "goals": sorted({r[1] for r in rows if r[1] and not r[2]}),
            "actions": sorted({(r[2], r[1]) for r in rows if r[2]}),
        }

    # --- from the group ----------------------------------------------------------------

    async def live_changed(self, event):
        """A notice from the family's group, or with its HTML from this class's (push)."""
        if event.get("meeting") is not None and event["meeting"] != self.meeting_id:
            return
        if not self.grant.sees(event["audience"]):
            return
        # A pushed notice comes encoded for its class (notify.frame): only forwarded.
        text = event.get("text")
        await self.send(
            text_data=text if text is not None else json.dumps(notify.page_message(event))
        )

    async def _announce(self, kind: str, to: str | None = None):
        message = {
            "type": kind,
            "channel": self.channel_name,
            "user_id": self.grant.user.pk,
            "name": notify.actor_name(self.grant.user),
            "editing": self.editing,
        }
        if to:
            # Best effort: a newcomer's full inbox (a server under load) must not end this
            # socket; it learns who is here from the next round of presence.here.
            with contextlib.suppress(ChannelFull):
                await self.channel_layer.send(to, message)
        else:
            await self.channel_layer.group_send(self.group, message)

    async def _forward_presence(self, event, what: str):
        if event["channel"] == self.channel_name:
            return
        item = event.get("editing")
        shown = (
            {"kind": item["kind"], "id": item["id"]}
            if item and self.grant.sees(item["audience"])
            else None
        )
        await self.send_json(
            {
                "type": "presence",
                "event": what,
                "channel": event["channel"],
                "user_id": event["user_id"],
                "name": event["name"],
                "editing": shown,
            }
        )

    async def presence_join(self, event):
        if event["channel"] == self.channel_name:
            return
        await self._forward_presence(event, "join")
        # Tell the newcomer we are here (and what we edit).
        await self._announce("presence.here", to=event["channel"])

    async def presence_here(self, event):
        await self._forward_presence(event, "here")

    async def presence_editing(self, event):
        await self._forward_presence(event, "editing")

    async def presence_leave(self, event):
        await self._forward_presence(event, "leave")
