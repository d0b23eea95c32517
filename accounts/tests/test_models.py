"""The database itself refuses bad users: each constraint proven by writing around the
model's validation (queryset.update / bulk_create)."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_unique_regardless_of_case():
    UserFactory(email="Rex@Example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username="other", email="rex@example.COM")])


def test_distinct_emails_are_accepted():
    UserFactory(email="rex@example.com")
    User.objects.bulk_create([User(username="other", email="fido@example.com")])
    assert User.objects.count() == 2


def test_user_without_any_role_is_refused():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_customer=False, is_staff=False)


@pytest.mark.parametrize("is_customer, is_staff", [(True, False), (False, True), (True, True)])
def test_user_with_a_role_is_accepted(is_customer, is_staff):
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(is_customer=is_customer, is_staff=is_staff)
    user.refresh_from_db()
    assert (user.is_customer, user.is_staff) == (is_customer, is_staff)
