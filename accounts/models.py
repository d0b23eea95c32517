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
