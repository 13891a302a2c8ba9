"""The outbox's services: record a task, send it, send what is waiting (see the package doc)."""

import logging
from datetime import timedelta
from typing import Literal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bi18.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

# Publishing happens in requests: one attempt with short timeouts, so a refused connection
# fails in milliseconds and a hung broker in about a second (never Celery's default retry
# loop of ~20 s). What fails stays in the outbox for the drain job.
PUBLISH_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1, "max_retries": 0}
# A sender holds a message this long; if it dies meanwhile, the message is sent again later.
LEASE = timedelta(seconds=60)
DRAIN_BATCH = 100

SendResult = Literal["sent", "failed", "taken"]


def task_enqueue(*, task: str, kwargs: dict | None = None, key: str = "") -> OutboxMessage:
    """Record that Celery task `task` must run with `kwargs`; it is sent once the current
    transaction commits (so the worker finds what the transaction wrote).

    Never raises for, and never waits on, a broker outage: the message then stays in the
    outbox and the `outbox.drain` beat job sends it when the broker is back. Delivery is at
    least once (a sender that dies after the broker took the message sends it again), so a
    task sent this way must be idempotent. `key` names what the task is about, for
    `outbox_waiting` and `outbox_cancel`.
    """
    message = OutboxMessage.objects.create(task=task, kwargs=kwargs or {}, key=key)
    transaction.on_commit(lambda: outbox_send(message_id=message.pk), robust=True)
    return message


def _claim(message_id: int) -> OutboxMessage | None:
    now = timezone.now()
    claimed = (
        OutboxMessage.objects.filter(pk=message_id)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + LEASE)
    )
    return OutboxMessage.objects.filter(pk=message_id).first() if claimed else None


def _publish(message: OutboxMessage) -> None:
    from bi18.celery import app

    options = {"kwargs": message.kwargs, "task_id": str(message.task_id)}
    if app.conf.task_always_eager:
        # No broker configured: run it here and now (the web process imports the task
        # modules only on demand).
        app.loader.import_default_modules()
        app.tasks[message.task].apply_async(**options)
        return
    with app.connection_for_write(transport_options=PUBLISH_TRANSPORT_OPTIONS) as connection:
        # No result backend round trip: nobody waits on these results (the work records
        # its own progress, e.g. SnapshotRun), and the backend would retry for ~20 s.
        app.send_task(
            message.task, **options, connection=connection, retry=False, ignore_result=True
        )


def outbox_send(*, message_id: int) -> SendResult:
    """Send one message unless another sender holds it; delete it once the broker has it.
    Safe to call twice and from several processes (the lease decides who sends)."""
    from bi18.celery import app

    message = _claim(message_id)
    if message is None:
        return "taken"
    try:
        _publish(message)
    except Exception as exc:
        if app.conf.task_always_eager:
            # The task itself failed while running in-process; it records its own failure.
            logger.exception("Task %s failed (run eagerly)", message.task)
            message.delete()
            return "sent"
        logger.warning("Broker unavailable; task %s stays in the outbox: %r", message.task, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(
            claimed_until=None, attempts=F("attempts") + 1, last_error=repr(exc)[:300]
        )
        return "failed"
    message.delete()
    return "sent"


def outbox_drain(*, limit: int = DRAIN_BATCH) -> int:
    """Send what is waiting, oldest first; stop at the first failure (the broker is down
    again). Returns how many were sent. Safe to run concurrently and to retry."""
    now = timezone.now()
    waiting = (
        OutboxMessage.objects.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in list(waiting):
        result = outbox_send(message_id=pk)
        if result == "failed":
            break
        sent += result == "sent"
    if sent:
        logger.info("Outbox: sent %s waiting task(s)", sent)
    return sent


def outbox_waiting(*, key: str) -> bool:
    """Is work about `key` still waiting for the broker?"""
    return OutboxMessage.objects.filter(key=key).exists()


def outbox_cancel(*, key: str) -> int:
    """Forget work about `key` that was never sent (e.g. given up as too late)."""
    deleted, _ = OutboxMessage.objects.filter(key=key).delete()
    return deleted
