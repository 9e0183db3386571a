"""Background jobs: everything that is not the answer to a request (mail, large imports,
match refreshes, digests, reminders, expiries) runs as a job through the task queue.

A job is a row of ``job`` written in the asking request's transaction (``enqueue``); after
the commit its id is handed to Huey (``dispatch``), whose consumer (``sivuvirta jobs
worker``) claims the row and runs the job's function (``run``). The row, not the queue
message, is the truth: a message delivered twice finds its job claimed, a job whose
consumer died is found by ``sweep`` and retried or failed with the reason, and a message
lost with its queue is sent again from the row. See docs/architecture.md."""
from .core import (  # noqa: F401
    KINDS, JobError, TemporaryFailure, dispatch, enqueue, heartbeat, job_kind, retry, run, sweep,
)
