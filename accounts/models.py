from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from petshop.core.uniqueness import UniqueInAnyCase


class Role(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    ADMIN = "admin", "Admin"


class ShopUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: username})


class User(UniqueInAnyCase, AbstractUser):
    """A shop user. Roles are two flags the database keeps consistent:

    - ``customer``: ``is_customer``;
    - ``admin``: ``is_staff`` (and ``is_superuser``), which is exactly what gives access
      to the Django admin, so holding the role and having the access cannot drift apart.

    Roles change only through ``accounts.services`` (``user_role_add`` / ``user_role_remove``).
    """

    email = models.EmailField("email address")
    phone = models.CharField(max_length=30, blank=True)
    is_customer = models.BooleanField(default=True)

    REQUIRED_FIELDS = ["email"]
    UNIQUE_IN_ANY_CASE = ("username", "email")

    objects = ShopUserManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            # "Rex" and "rex" are one person to a shop: two racing sign-ups cannot both win.
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(is_customer=True) | models.Q(is_staff=True),
                name="user_has_a_role",
            ),
        ]

    @property
    def roles(self) -> list[str]:
        held = []
        if self.is_customer:
            held.append(Role.CUSTOMER.value)
        if self.is_staff:
            held.append(Role.ADMIN.value)
        return held

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_shop_admin(self) -> bool:
        return self.is_active and self.is_staff


MAX_ADDRESSES_PER_USER = 20


class Address(models.Model):
    """A labelled address of a customer's address book. Checkout copies it as text into
    the order (Order.shipping_address), so editing or deleting it never changes an order."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(max_length=50, blank=True, help_text='e.g. "Home", "Work".')
    name = models.CharField(max_length=100)
    line1 = models.CharField("street and number", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=60)
    phone = models.CharField(max_length=30, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="address_one_default_per_user",
            )
        ]

    def __str__(self):
        return self.label or self.as_text().splitlines()[0]

    def as_text(self) -> str:
        """The postal form, as the order keeps it (and a parcel label shows it)."""
        lines = [self.name, self.line1, self.line2, f"{self.postal_code} {self.city}".strip()]
        lines += [self.region, self.country, self.phone]
        return "\n".join(line for line in lines if line)
