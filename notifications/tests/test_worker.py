"""The real worker (`manage.py db_worker`) against committed rows: an email queued while
no worker runs is delivered when one starts; two workers never send one email twice.

The race test commits for real (transaction=True); serialized_rollback puts the migrations' rows
(content types, reference data) back afterwards, as the sales concurrency tests do."""

import os
import signal
import subprocess
import textwrap
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker

from notifications.models import Email, EmailStatus
from notifications.services import email_queue
from notifications.tasks import enqueue_send

ROOT = Path(__file__).resolve().parents[2]


def queue(to="rex@example.com"):
    return email_queue(
        to=[to], subject="Hi", template="test_message", context={"name": "Rex"}, event="test"
    )


# The worker calls close_old_connections() between tasks, which closes a connection left
# inside a transaction: on PostgreSQL, the test's own. So there the test commits for
# real (serialized_rollback restores the migrations' rows afterwards). SQLite's in-memory
# test database ignores the close, so there the real worker runs inside the test's
# transaction: a flush on SQLite would clash with the serialized rollback of later tests.
WORKER_SEES_COMMITTED_ROWS = (
    pytest.mark.django_db(transaction=True, serialized_rollback=True)
    if connection.vendor == "postgresql"
    else pytest.mark.django_db
)


@WORKER_SEES_COMMITTED_ROWS
def test_an_email_queued_while_no_worker_runs_is_sent_when_one_starts(mailoutbox):
    email = queue()  # committed: the web request is over, and no worker is running
    assert mailoutbox == []

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert [m.to for m in mailoutbox] == [["rex@example.com"]]
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: SQLite runs one writer at a time, so no race is possible.",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_never_send_one_email_twice(mailoutbox, settings):
    settings.EMAIL_BACKEND = "notifications.tests.backends.SlowBackend"
    emails = []
    for i in range(4):  # each email with a duplicate task right behind it (a double resend)
        emails.append(queue(to=f"buyer{i}@example.com"))
        enqueue_send(emails[-1].pk)
    barrier = threading.Barrier(2, timeout=30)

    def work(worker_id):
        try:
            barrier.wait()
            Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(e.to for e in emails)
    assert set(Email.objects.values_list("status", "attempts")) == {(EmailStatus.SENT, 1)}


def test_make_run_starts_server_and_worker_and_ctrl_c_stops_both(tmp_path):
    """scripts/run_dev.sh with a stand-in python that logs its command and sleeps."""
    log = tmp_path / "started"
    fake_python = tmp_path / "python"
    fake_python.write_text(
        textwrap.dedent(
            f"""\
            #!/bin/sh
            echo "$$ $*" >> {log}
            exec sleep 60
            """
        )
    )
    fake_python.chmod(0o755)
    script = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "run_dev.sh")],
        cwd=ROOT,
        env={**os.environ, "PYTHON": str(fake_python), "PORT": "8999"},
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (
        not log.exists() or len(log.read_text().split("\n")) < 3
    ):
        time.sleep(0.1)
    started = dict(line.split(" ", 1) for line in log.read_text().splitlines())
    commands = sorted(started.values())
    assert commands[0].startswith("manage.py db_worker")
    assert commands[1] == "manage.py runserver 127.0.0.1:8999"

    script.send_signal(signal.SIGINT)
    assert script.wait(timeout=10) is not None

    for pid in started:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
