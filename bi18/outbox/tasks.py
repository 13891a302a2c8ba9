from celery import shared_task

from bi18.outbox import services


@shared_task(name="outbox.drain", ignore_result=True, soft_time_limit=90, time_limit=120)
def drain() -> int:
    """Send the tasks that waited in the outbox while the broker was down (beat, every
    30 s). Safe to run twice at once: each message is leased to one sender."""
    return services.outbox_drain()
