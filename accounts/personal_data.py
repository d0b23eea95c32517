"""Personal data: what the shop holds about one person, and how it is erased.

Each app that stores something about a person contributes its part through one module
with three plain functions (listed, in order, in ``settings.PERSONAL_DATA_MODULES``):

- ``export(user) -> dict``: its sections of the export (``{"orders": [...], ...}``),
  each in the API's own shapes;
- ``open_items(user) -> list[str]``: why the account cannot be erased yet (an open order,
  an open return...), empty when nothing is open;
- ``erase(user) -> None``: replace or delete its personal data, keeping what the accounts
  need (orders, invoices, returns) without the person.

Modules are named in settings, not imported here, so accounts (the lowest layer) knows
nothing of the apps above it; ``accounts.services.user_export`` / ``user_erase`` call
them all. This module is accounts' own part: the account itself.
"""

from django.conf import settings
from django.utils.module_loading import import_module

from accounts.two_factor.services import two_factor_reset

ERASED_PREFIX = "erased-"


def contributors() -> list:
    return [import_module(path) for path in settings.PERSONAL_DATA_MODULES]


def export(user) -> dict:
    from accounts.api.addresses import AddressSerializer
    from accounts.api.serializers import UserSerializer

    return {
        "user": {
            **UserSerializer(user).data,
            "is_active": user.is_active,
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "addresses": AddressSerializer(user.addresses.order_by("pk"), many=True).data,
    }


def open_items(user) -> list[str]:
    return []


def erase(user) -> None:
    """The account's own fields: a placeholder name and address that say what happened,
    no password (nobody can log in as it again), deactivated, no admin rights."""
    user.username = f"{ERASED_PREFIX}{user.pk}"
    user.email = f"{ERASED_PREFIX}{user.pk}@erased.invalid"
    user.first_name = user.last_name = user.phone = ""
    user.set_unusable_password()  # also ends every session: its hash no longer matches
    user.is_active = False
    user.is_customer = True  # a role must remain (user_has_a_role); admin rights go
    user.is_staff = user.is_superuser = False
    user.save()
    user.addresses.all().delete()  # the address book (orders keep their own copies)
    two_factor_reset(user=user)
