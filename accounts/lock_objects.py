"""Every row lock the accounts services take, named once (as Saleor's lock_objects).

Each function must run inside the caller's transaction. `of=("self",)`: a lock never
takes joined rows by accident. Several rows are locked in primary-key order.
"""

from accounts.models import User


def user_lock(*, pk: int) -> User:
    """The user row, re-read under lock (raises User.DoesNotExist if gone)."""
    return User.objects.select_for_update(of=("self",)).get(pk=pk)


def active_admins_lock() -> list[int]:
    """Every active admin's row, in primary-key order; their ids.

    Taken *before* a user's own row whenever a change may take an admin away: two admins
    stepping down at once then queue on the same first row instead of each holding its
    own row and waiting for the other's (a deadlock, seen in
    test_the_last_two_admins_stepping_down_at_once_leave_one)."""
    return list(
        User.objects.select_for_update(of=("self",))
        .filter(is_staff=True, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
