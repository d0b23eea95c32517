"""Asking for a return and following it in the storefront (Django test client)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returns.models import Return, ReturnStatus
from returns.services import return_set_status
from returns.tests.factories import request_return
from sales.models import OrderStatus
from sales.tests.factories import order_in_status, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(client, customer):
    client.force_login(customer)
    return client


def form_url(order) -> str:
    return reverse("returns:create", args=[order.number])


def test_delivered_order_page_offers_a_return_and_a_pending_one_does_not(shopper, customer):
    delivered = order_in_status(OrderStatus.DELIVERED, user=customer)
    pending = place_order(user=customer)
    assert (
        form_url(delivered)
        in shopper.get(reverse("sales:order", args=[delivered.number])).content.decode()
    )
    assert (
        form_url(pending)
        not in shopper.get(reverse("sales:order", args=[pending.number])).content.decode()
    )


def test_customer_requests_a_return_of_delivered_items(shopper, customer):
    order = order_in_status(OrderStatus.DELIVERED, user=customer, quantity=3)
    line = order.lines.get()
    response = shopper.post(
        form_url(order), {f"quantity_{line.pk}": "2", f"reason_{line.pk}": "Too small"}, follow=True
    )
    ret = Return.objects.get(order=order)
    assert response.redirect_chain[-1][0] == reverse("returns:detail", args=[ret.pk])
    assert ret.status == ReturnStatus.REQUESTED
    assert list(ret.lines.values_list("quantity", "reason")) == [(2, "Too small")]
    html = response.content.decode()
    assert "Requested" in html and f"${line.unit_price * 2}" in html


def test_return_form_needs_an_item_and_a_reason_for_it(shopper, customer):
    order = order_in_status(OrderStatus.DELIVERED, user=customer)
    line = order.lines.get()
    nothing = shopper.post(form_url(order), {f"quantity_{line.pk}": "0"})
    assert nothing.status_code == 400 and "Choose at least one item" in nothing.content.decode()
    no_reason = shopper.post(
        form_url(order), {f"quantity_{line.pk}": "1", f"reason_{line.pk}": " "}
    )
    assert no_reason.context["form"].errors[f"reason_{line.pk}"]
    assert not Return.objects.exists()


def test_return_of_an_undelivered_order_is_refused_with_the_reason(shopper, customer):
    order = order_in_status(OrderStatus.SHIPPED, user=customer)
    line = order.lines.get()
    response = shopper.post(
        form_url(order), {f"quantity_{line.pk}": "1", f"reason_{line.pk}": "Broken"}
    )
    assert response.status_code == 409
    assert "Only a delivered order can be returned." in response.content.decode()
    assert not Return.objects.exists()


def test_return_after_the_window_is_refused(shopper, customer, settings):
    order = order_in_status(
        OrderStatus.DELIVERED,
        user=customer,
        delivered_at=timezone.now() - timedelta(days=settings.RETURN_WINDOW_DAYS + 1),
    )
    line = order.lines.get()
    response = shopper.post(
        form_url(order), {f"quantity_{line.pk}": "1", f"reason_{line.pk}": "Late"}
    )
    assert response.status_code == 409 and "days after delivery" in response.content.decode()


def test_items_already_claimed_cannot_be_chosen_again(shopper, customer):
    order = order_in_status(OrderStatus.DELIVERED, user=customer, quantity=1)
    request_return(order=order)
    response = shopper.get(form_url(order))
    assert "Already returned or requested in full." in response.content.decode()


def test_returns_list_and_status_are_mine_only(shopper, customer, other_customer):
    mine = request_return(user=customer)
    theirs = request_return(user=other_customer)
    return_set_status(return_request=mine, status=ReturnStatus.APPROVED)
    listing = shopper.get(reverse("returns:list")).content.decode()
    assert f"Return #{mine.pk}" in listing and f"Return #{theirs.pk}" not in listing
    assert "Approved" in shopper.get(reverse("returns:detail", args=[mine.pk])).content.decode()
    assert shopper.get(reverse("returns:detail", args=[theirs.pk])).status_code == 404


def test_return_form_of_another_customers_order_is_not_found(shopper, other_customer):
    order = order_in_status(OrderStatus.DELIVERED, user=other_customer)
    line = order.lines.get()
    assert shopper.get(form_url(order)).status_code == 404
    response = shopper.post(
        form_url(order), {f"quantity_{line.pk}": "1", f"reason_{line.pk}": "Mine now"}
    )
    assert response.status_code == 404
    assert not Return.objects.exists()


def test_return_request_refuses_a_post_without_csrf(customer):
    order = order_in_status(OrderStatus.DELIVERED, user=customer)
    line = order.lines.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = client.post(form_url(order), {f"quantity_{line.pk}": "1", f"reason_{line.pk}": "x"})
    assert response.status_code == 403 and not Return.objects.exists()


def test_returns_pages_need_a_login(client):
    assert client.get(reverse("returns:list"))["Location"].startswith(reverse("accounts:login"))


def test_order_page_says_when_the_return_window_has_closed(shopper, customer, settings):
    order = order_in_status(
        OrderStatus.DELIVERED,
        user=customer,
        delivered_at=timezone.now() - timedelta(days=settings.RETURN_WINDOW_DAYS + 1),
    )
    html = shopper.get(reverse("sales:order", args=[order.number])).content.decode()
    assert "return window for this order has closed" in html
    assert form_url(order) not in html


def test_customer_withdraws_a_requested_return(shopper, customer):
    ret = request_return(user=customer)
    assert (
        reverse("returns:withdraw", args=[ret.pk])
        in shopper.get(reverse("returns:detail", args=[ret.pk])).content.decode()
    )
    response = shopper.post(reverse("returns:withdraw", args=[ret.pk]), follow=True)
    assert f"Return #{ret.pk} is withdrawn." in [str(m) for m in response.context["messages"]]
    assert not Return.objects.filter(pk=ret.pk).exists()


def test_an_approved_return_can_no_longer_be_withdrawn(shopper, customer):
    ret = request_return(user=customer)
    return_set_status(return_request=ret, status=ReturnStatus.APPROVED)
    response = shopper.post(reverse("returns:withdraw", args=[ret.pk]), follow=True)
    assert "can no longer be withdrawn" in response.content.decode()
    assert Return.objects.filter(pk=ret.pk).exists()


def test_a_get_of_the_withdraw_url_leads_back_to_the_return_and_changes_nothing(shopper, customer):
    # What the login redirect fetches when the button was pressed after the session ended.
    ret = request_return(user=customer)
    response = shopper.get(reverse("returns:withdraw", args=[ret.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("returns:detail", args=[ret.pk])
    assert Return.objects.filter(pk=ret.pk).exists()


def test_a_get_of_another_customers_withdraw_url_is_not_found(shopper, other_customer):
    ret = request_return(user=other_customer)
    assert shopper.get(reverse("returns:withdraw", args=[ret.pk]), follow=True).status_code == 404


def test_another_customers_return_cannot_be_withdrawn(shopper, other_customer):
    ret = request_return(user=other_customer)
    assert shopper.post(reverse("returns:withdraw", args=[ret.pk])).status_code == 404
    assert Return.objects.filter(pk=ret.pk).exists()


@pytest.mark.parametrize("case", ["closed", "not_delivered"])
def test_the_return_form_is_not_offered_outside_the_return_window(
    shopper, customer, settings, case
):
    if case == "closed":
        order = order_in_status(
            OrderStatus.DELIVERED,
            user=customer,
            delivered_at=timezone.now() - timedelta(days=settings.RETURN_WINDOW_DAYS + 1),
        )
        reason = "return window for order"
    else:
        order = order_in_status(OrderStatus.SHIPPED, user=customer)
        reason = "once it is delivered"
    assert not order.is_within_return_window

    response = shopper.get(form_url(order), follow=True)

    assert response.redirect_chain[-1][0] == reverse("sales:order", args=[order.number])
    assert reason in " ".join(str(m) for m in response.context["messages"])
    assert "Request the return" not in response.content.decode()


def test_a_refused_late_post_shows_the_reason_without_the_form(shopper, customer, settings):
    order = order_in_status(
        OrderStatus.DELIVERED,
        user=customer,
        delivered_at=timezone.now() - timedelta(days=settings.RETURN_WINDOW_DAYS + 1),
    )
    line = order.lines.get()
    response = shopper.post(form_url(order), {f"quantity_{line.pk}": "1", f"reason_{line.pk}": "x"})
    html = response.content.decode()
    assert response.status_code == 409 and "days after delivery" in html
    assert "Request the return" not in html


def test_the_return_form_is_offered_on_the_last_day_of_the_window(shopper, customer, settings):
    order = order_in_status(
        OrderStatus.DELIVERED,
        user=customer,
        delivered_at=timezone.now() - timedelta(days=settings.RETURN_WINDOW_DAYS, minutes=-5),
    )
    response = shopper.get(form_url(order))
    assert response.status_code == 200 and "Request the return" in response.content.decode()
