"""The database itself refuses bad returns (constraints proven by writing around the
services with queryset.update / bulk_create)."""

import pytest
from django.db import IntegrityError, transaction

from returns.models import Return, ReturnLine
from returns.tests.factories import request_return

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("quantity", [0, 51])
def test_return_line_quantity_outside_1_to_50_is_refused(quantity):
    line = request_return().lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnLine.objects.filter(pk=line.pk).update(quantity=quantity)


def test_return_line_quantity_of_50_is_accepted():
    line = request_return().lines.get()
    ReturnLine.objects.filter(pk=line.pk).update(quantity=50)
    line.refresh_from_db()
    assert line.quantity == 50


def test_return_holds_one_line_per_product():
    ret = request_return()
    line = ret.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnLine.objects.bulk_create(
            [ReturnLine(return_request=ret, order_line=line.order_line, quantity=1, reason="Again")]
        )


def test_unknown_return_status_is_refused():
    ret = request_return()
    with pytest.raises(IntegrityError), transaction.atomic():
        Return.objects.filter(pk=ret.pk).update(status="lost")
