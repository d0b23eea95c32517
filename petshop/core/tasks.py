"""Queueing a background task (Django's Tasks API) so that it runs if, and only if, the
transaction that asks for it commits."""

from django.db import transaction


def backend_is_transactional(backend) -> bool:
    """Whether the backend keeps its queue in the database (django-tasks-db): its task
    rows are written in the current transaction."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(backend, DatabaseBackend)


def enqueue_on_commit(job, *args, **kwargs) -> None:
    """`job.enqueue(*args, **kwargs)` as part of the current transaction: with the ORM
    backend the task row is written in it (a rollback queues nothing, a commit always has
    its task); with a backend outside the database (RQ...) it is handed over after the
    commit, so a worker never looks for rows that are not committed yet."""
    if backend_is_transactional(job.get_backend()):
        job.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: job.enqueue(*args, **kwargs), robust=True)
