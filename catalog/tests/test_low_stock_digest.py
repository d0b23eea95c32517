"""The daily low stock digest to staff: what it lists, once a day, nothing when nothing
is low."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from catalog.models import Product
from catalog.services import low_stock_digest_send
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _shop(settings):
    settings.SHOP_BASE_URL = "https://shop.example.com"
    settings.SHOP_STAFF_EMAILS = ["stock@shop.example.com"]
    settings.LOW_STOCK_THRESHOLD = 5


@pytest.fixture
def stock(db):
    return {
        "sold_out": ProductFactory(name="Catnip Mouse", sku="CAT-1", stock=0),
        "low": ProductFactory(name="Bird Seed 1kg", sku="BIRD-1", stock=3),
        "plenty": ProductFactory(name="Fish Flakes", sku="FISH-1", stock=40),
        "inactive": ProductFactory(name="Old Leash", sku="OLD-1", stock=1, is_active=False),
    }


def test_the_digest_lists_active_low_products_sold_out_first(stock, deliver_emails):
    digest = low_stock_digest_send(today=TODAY)

    assert (digest.low, digest.sent) == (2, True)
    [message] = deliver_emails()
    assert message.to == ["stock@shop.example.com"]
    assert message.subject == "Low stock: 2 products (03 Dec 2026)"
    body = message.body
    assert body.index("CAT-1  Catnip Mouse") < body.index("BIRD-1  Bird Seed 1kg")
    assert "1 sold out" in body
    assert "FISH-1" not in body and "OLD-1" not in body
    assert "https://shop.example.com/admin/catalog/product/?low_stock=yes" in body


def test_a_second_run_the_same_day_sends_nothing(stock, deliver_emails):
    low_stock_digest_send(today=TODAY)
    again = low_stock_digest_send(today=TODAY)

    assert (again.sent, again.reason) == (False, "already sent today")
    assert len(deliver_emails()) == 1
    assert low_stock_digest_send(today=TODAY + timedelta(days=1)).sent


def test_nothing_low_sends_nothing(db, deliver_emails):
    ProductFactory(stock=50)

    digest = low_stock_digest_send(today=TODAY)

    assert (digest.low, digest.sent, digest.reason) == (0, False, "nothing is low in stock")
    assert deliver_emails() == []


def test_no_staff_address_sends_nothing(stock, deliver_emails, settings):
    settings.SHOP_STAFF_EMAILS = []

    assert low_stock_digest_send(today=TODAY).reason == "SHOP_STAFF_EMAILS is empty"
    assert deliver_emails() == []


def test_a_long_list_is_cut_with_a_count_of_the_rest(db, deliver_emails, monkeypatch):
    from catalog import emails

    monkeypatch.setattr(emails, "DIGEST_MAX_LINES", 3)
    ProductFactory.create_batch(5, stock=1)

    low_stock_digest_send(today=TODAY)

    [message] = deliver_emails()
    assert "... and 2 more." in message.body
    assert message.body.count("\n     1  ") == 3


def test_the_command_says_what_it_did(stock, capsys, deliver_emails):
    call_command("send_low_stock_digest")
    call_command("send_low_stock_digest")
    Product.objects.update(stock=50)
    out = capsys.readouterr().out

    assert "2 products low in stock: digest queued for staff." in out
    assert "2 products low in stock: no digest sent (already sent today)." in out
    assert len(deliver_emails()) == 1
