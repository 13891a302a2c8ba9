"""The task outbox (bi18/outbox): recorded with the change, sent after the commit, kept while
the broker is down, drained when it is back; against a real Redis of the test's own."""

import json

import pytest
import redis
from django.db import transaction
from django.utils import timezone

from bi18.outbox.models import OutboxMessage
from bi18.outbox.services import LEASE, outbox_drain, outbox_send, task_enqueue

pytestmark = pytest.mark.own_redis


def _queued(redis_server) -> list[dict]:
    """The messages waiting in the broker's default queue (oldest first)."""
    client = redis.Redis.from_url(redis_server.url())
    return [json.loads(m)["headers"] for m in reversed(client.lrange("celery", 0, -1))]


def test_work_asked_for_in_a_rolled_back_transaction_is_never_sent(
    transactional_db, redis_server, app_on_redis
):
    with pytest.raises(RuntimeError), transaction.atomic():
        task_enqueue(task="audit.purge_expired", key="x")
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    assert _queued(redis_server) == []


def test_work_is_sent_after_the_commit_with_its_own_task_id(
    transactional_db, redis_server, app_on_redis
):
    with transaction.atomic():
        message = task_enqueue(task="audit.purge_expired", key="purge")
        assert _queued(redis_server) == []  # not before the commit
    (headers,) = _queued(redis_server)
    assert headers["task"] == "audit.purge_expired"
    assert headers["id"] == str(message.task_id)
    assert not OutboxMessage.objects.exists()  # sent rows are deleted


def test_the_drain_sends_oldest_first_and_stops_at_the_first_failure(
    transactional_db, redis_server, app_on_redis
):
    redis_server.stop()
    for i in range(3):
        task_enqueue(task="audit.purge_expired", key=f"m{i}")  # autocommit: tried at once
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 1, 1]
    assert outbox_drain() == 0
    # It stopped at the first failure instead of waiting on the broker three times.
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [2, 1, 1]
    assert "Connection refused" in OutboxMessage.objects.first().last_error

    redis_server.start()
    keys = list(OutboxMessage.objects.values_list("task_id", flat=True))
    assert outbox_drain() == 3
    assert [h["id"] for h in _queued(redis_server)] == [str(k) for k in keys]
    assert not OutboxMessage.objects.exists()


def test_a_message_held_by_another_sender_is_not_sent_twice(db, redis_server, app_on_redis):
    message = OutboxMessage.objects.create(task="audit.purge_expired")
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=timezone.now() + LEASE)
    assert outbox_send(message_id=message.pk) == "taken"
    assert outbox_drain() == 0
    assert _queued(redis_server) == []
    # A sender that died: its lease runs out and the message goes.
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - LEASE)
    assert outbox_drain() == 1
    assert len(_queued(redis_server)) == 1


# --- Runs (bi18/outbox/runs.py), shown with the dashboard's snapshot run ---------------------


def test_a_late_or_repeated_message_never_computes_a_run_that_was_given_up_or_done(db):
    from budget import services
    from budget.models import SnapshotRun, TargetSnapshot

    given_up = SnapshotRun.objects.create(
        date=timezone.localdate(), status=SnapshotRun.Status.FAILED, failure="not_started"
    )
    assert services.snapshot_run_execute(run_id=given_up.pk, task_id="x") is None
    given_up.refresh_from_db()
    assert given_up.status == SnapshotRun.Status.FAILED and given_up.started_at is None
    assert not TargetSnapshot.objects.exists()

    done = SnapshotRun.objects.create(date=timezone.localdate())
    assert services.snapshot_run_execute(run_id=done.pk) is not None
    assert services.snapshot_run_execute(run_id=done.pk) is None  # the duplicate is skipped


def test_a_retry_of_its_own_message_takes_a_running_run_again_another_does_not(db):
    import uuid

    from budget import services
    from budget.models import SnapshotRun

    own = uuid.uuid4()
    run = SnapshotRun.objects.create(
        date=timezone.localdate(), status=SnapshotRun.Status.RUNNING, task_id=own
    )
    assert services.snapshot_run_execute(run_id=run.pk, task_id=str(uuid.uuid4())) is None
    assert services.snapshot_run_execute(run_id=run.pk, task_id=str(own)) is not None
    run.refresh_from_db()
    assert run.status == SnapshotRun.Status.DONE


def test_every_task_the_app_asks_for_goes_through_the_outbox():
    """`.delay()` / `.apply_async()` from app code would wait ~20 s on a broker outage and
    then fail the request; task_enqueue (bi18/outbox) is the one way to ask for a task."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    direct = re.compile(r"\.(delay|apply_async|send_task)\(")
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        top = relative.parts[0]
        if top in {"tests", "bench", "node_modules"} or top.startswith("."):
            continue
        if relative.parts[:2] == ("bi18", "outbox") or "migrations" in relative.parts:
            continue
        if direct.search(path.read_text(encoding="utf-8")):
            offenders.append(str(relative))
    assert offenders == [], f"enqueue through bi18.outbox.services.task_enqueue: {offenders}"
