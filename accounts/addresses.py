"""Every write to a customer's address book. One transaction each; one default per
user (the database's unique constraint is the last guard)."""

from django.db import transaction

from accounts.exceptions import AddressBookFull
from accounts.models import MAX_ADDRESSES_PER_USER, Address, User

ADDRESS_FIELDS = (
    "label",
    "name",
    "line1",
    "line2",
    "city",
    "postal_code",
    "region",
    "country",
    "phone",
    "is_default",
)


def _lock_owner(user_id: int) -> None:
    # Changes to one user's book queue on the user row, so two "make this the default"
    # at once cannot both clear the other and leave two (or none).
    User.objects.select_for_update().filter(pk=user_id).first()


def _clear_default(user_id: int, *, keep: int | None = None) -> None:
    Address.objects.filter(user_id=user_id, is_default=True).exclude(pk=keep).update(
        is_default=False
    )


@transaction.atomic
def address_create(*, user: User, **fields) -> Address:
    """A new address; the first one (or one marked default) becomes the default."""
    _lock_owner(user.pk)
    existing = Address.objects.filter(user=user)
    if existing.count() >= MAX_ADDRESSES_PER_USER:
        raise AddressBookFull()
    data = {name: value for name, value in fields.items() if name in ADDRESS_FIELDS}
    data["is_default"] = data.get("is_default", False) or not existing.exists()
    if data["is_default"]:
        _clear_default(user.pk)
    return Address.objects.create(user=user, **data)


@transaction.atomic
def address_update(*, address: Address, **fields) -> Address:
    """Change what is given. Unmarking the default is ignored (a book with addresses
    keeps one default): mark another one instead."""
    _lock_owner(address.user_id)
    changed = [name for name in ADDRESS_FIELDS if name in fields]
    for name in changed:
        setattr(address, name, fields[name])
    if "is_default" in fields:
        if fields["is_default"]:
            _clear_default(address.user_id, keep=address.pk)
        else:
            address.is_default = Address.objects.filter(pk=address.pk, is_default=True).exists()
    address.save(update_fields=changed)
    return address


@transaction.atomic
def address_delete(*, address: Address) -> None:
    """Delete; if it was the default, the oldest remaining address becomes the default.
    Orders keep their own copy of the text, so none changes."""
    _lock_owner(address.user_id)
    was_default = Address.objects.filter(pk=address.pk, is_default=True).exists()
    Address.objects.filter(pk=address.pk).delete()
    if was_default:
        successor = Address.objects.filter(user_id=address.user_id).order_by("id").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])
