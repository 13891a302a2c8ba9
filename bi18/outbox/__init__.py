"""Background work that survives a broker outage (issue 9 §3): a transactional outbox.

The web app never talks to the broker inside a request's critical path: a task is recorded
as an OutboxMessage in the same transaction as the change that asks for it, sent right after
the commit with short timeouts, and, if the broker is down, sent later by the `outbox.drain`
beat job. See services.task_enqueue.
"""
