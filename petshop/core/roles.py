"""Who may act as the shop's staff: the one question every face asks.

The rule itself lives on the user model (accounts.models.User.is_shop_admin: an active
user holding the admin role); this answers it for any request user, anonymous included,
so views, filters, permissions and services ask the same thing the same way.
"""


def is_shop_admin(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_shop_admin)
