"""Background tasks of sales (Django's Tasks API; run by `manage.py db_worker`)."""

from django_tasks import task

from sales import emails


@task()
def order_confirmation(order_id: int) -> bool:
    """Write a placed order's confirmation to the outbox, off the checkout's request:
    checkout queues this task in its transaction (so every committed order gets it), and
    the email is written at most once, however often the task runs."""
    return emails.send_order_confirmation(order_id=order_id)
