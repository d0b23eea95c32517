"""Customer journeys in a real browser (Chromium, headless) against a live server.
They also take the screenshots in docs/screenshots/ that the README shows."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.models import Category, PetType

pytestmark = [
    pytest.mark.skipif(
        not Path("/usr/bin/chromium").exists(),
        reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
    pytest.mark.django_db(transaction=True),
]


def make_product(
    name, *, pet="dog", category="food", price="9.99", stock=20, brand="Acme", **extra
):
    from catalog.tests.factories import ProductFactory

    return ProductFactory(
        name=name,
        slug=re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
        pet_type=PetType.objects.get(slug=pet),
        category=Category.objects.get(slug=category),
        price=Decimal(price),
        stock=stock,
        brand=brand,
        description=extra.pop("description", f"{name}: loved by pets, trusted by their people."),
        **extra,
    )


@pytest.fixture
def shop(reference_data):
    return {
        "kibble": make_product("Salmon Kibble 2 kg", price="24.90", brand="Northpaw"),
        "rope": make_product("Tug Rope Toy", category="toys", price="7.50", brand="Chewy Co"),
        "bed": make_product(
            "Cosy Donut Bed", category="accessories", price="39.00", stock=3, brand="Snooze"
        ),
        "brush": make_product("Soft Slicker Brush", category="grooming", price="11.20", stock=0),
        "mouse": make_product(
            "Feather Mouse", pet="cat", category="toys", price="3.40", brand="Whisker"
        ),
        "tuna": make_product("Tuna Pâté 12-pack", pet="cat", price="15.60", brand="Whisker"),
        "seed": make_product("Finch Seed Mix", pet="bird", price="6.80"),
        "flakes": make_product("Tropical Flakes", pet="fish", price="5.25", brand="Reef"),
        "lamp": make_product(
            "Basking Lamp 50W", pet="reptile", category="accessories", price="18.00"
        ),
    }


def expect_message(page, text):
    from playwright.sync_api import expect

    expect(page.locator(".messages")).to_contain_text(text)


def test_new_visitor_registers_shops_checks_out_and_opens_the_invoice(page, shop, shoot):
    from playwright.sync_api import expect

    from sales.models import Order

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Everything your pet loves")
    shoot(page, "home")

    # Register.
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username", exact=True).fill("ada")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Password", exact=True).fill("kibble-and-bits-42")
    page.get_by_label("Password again").fill("kibble-and-bits-42")
    page.get_by_role("button", name="Create account").click()
    expect_message(page, "Welcome to the pet shop, Ada!")

    # Filter the catalog: dog products, in stock, cheapest first. The state is the URL.
    page.get_by_role("navigation", name="Shop by pet").get_by_role(
        "link", name="All products"
    ).click()
    page.get_by_role("radio", name=re.compile(r"^Dog \(")).check()
    page.get_by_label("In stock only").check()
    page.get_by_label("Sort by").select_option("price")
    page.get_by_role("button", name="Apply").click()
    assert (
        re.search(r"pet_type=dog", page.url)
        and "in_stock=on" in page.url
        and "ordering=price" in page.url
    )
    cards = page.locator(".product-card .card-title")
    expect(cards).to_have_text(["Tug Rope Toy", "Salmon Kibble 2 kg", "Cosy Donut Bed"])
    shoot(page, "catalog")

    # Add two products.
    page.get_by_role("link", name=re.compile("Salmon Kibble")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Salmon Kibble 2 kg")
    page.get_by_label("Quantity").fill("2")
    shoot(page, "product")
    page.get_by_role("button", name="Add to cart").click()
    expect_message(page, "Added 2 × Salmon Kibble 2 kg to your cart.")
    page.go_back()
    page.go_back()
    page.get_by_role("link", name=re.compile("Tug Rope Toy")).click()
    page.get_by_role("button", name="Add to cart").click()
    expect_message(page, "Added 1 × Tug Rope Toy")

    # Cart, checkout.
    expect(page.locator("a.cart-link")).to_have_text("Cart 3 items")
    page.locator("a.cart-link").click()
    expect(page.locator("#cart-total")).to_have_text("$57.30")
    shoot(page, "cart")
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_label("Full name")).to_have_value("Ada")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Street and number").fill("12 Analytical Row")
    page.get_by_label("Postal code").fill("1815")
    page.get_by_label("City").fill("London")
    page.get_by_label("Country").fill("United Kingdom")
    shoot(page, "checkout")
    page.get_by_role("button", name=re.compile("Place order")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your order!")
    order = Order.objects.get(user__username="ada")
    expect(page.locator(".order-number")).to_have_text(order.number)
    assert order.total == Decimal("57.30")
    shoot(page, "confirmation")

    # The order and its invoice.
    page.get_by_role("link", name="View your order").click()
    expect(page.locator("#order-status")).to_have_text("Pending")
    expect(page.locator("table")).to_contain_text("Tug Rope Toy")
    shoot(page, "order")
    invoice = order.invoices.get()
    page.get_by_role("link", name=f"Invoice {invoice.number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {invoice.number}")
    shoot(page, "invoice")

    # Printed, it is one clean page: no header, navigation or buttons.
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("button", name="Print invoice").is_visible()
    shoot(page, "invoice-print")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_customer_requests_a_return_of_a_delivered_order(page, shop, shoot):
    from playwright.sync_api import expect

    from accounts.tests.factories import PASSWORD, UserFactory
    from returns.models import Return
    from sales.models import OrderStatus
    from sales.tests.factories import order_in_status

    customer = UserFactory(username="grace", first_name="Grace")
    order = order_in_status(
        OrderStatus.DELIVERED, user=customer, products=[shop["bed"], shop["mouse"]]
    )

    page.goto("/account/login/")
    page.get_by_label("Username or email").fill("grace@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect_message(page, "Welcome back, Grace.")

    page.get_by_role("link", name="Orders").first.click()
    page.get_by_role("link", name=order.number).click()
    expect(page.locator("#order-status")).to_have_text("Delivered")
    page.get_by_role("link", name="Request a return").click()
    page.get_by_label("Quantity of Cosy Donut Bed to return").select_option("1")
    page.get_by_label("Reason for returning Cosy Donut Bed").fill("Too small for our Great Dane")
    shoot(page, "return-request")
    page.get_by_role("button", name="Request the return").click()

    ret = Return.objects.get(order=order)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Return #{ret.pk}")
    expect(page.locator("#return-status")).to_have_text("Requested")
    expect(page.locator("table")).to_contain_text("Too small for our Great Dane")
    shoot(page, "return")


def test_over_stock_add_is_refused_with_a_message(page, shop, shoot):
    from playwright.sync_api import expect

    bed = shop["bed"]  # 3 in stock
    page.goto(f"/products/{bed.pk}/{bed.slug}/")
    expect(page.locator("#stock-state")).to_have_text("Only 3 left")
    page.get_by_label("Quantity").fill("5")
    page.get_by_role("button", name="Add to cart").click()
    expect_message(page, "Only 3 of Cosy Donut Bed in stock.")
    expect(page.locator(".field-error .error")).to_have_text("Only 3 of Cosy Donut Bed in stock.")
    expect(page.get_by_label("Quantity")).to_have_value("5")
    shoot(page, "over-stock")
    page.locator("a.cart-link").click()
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()


def test_the_catalog_reads_well_on_a_phone(browser, live_server, shop, shoot):
    from playwright.sync_api import expect

    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
    )
    page = context.new_page()
    page.goto("/products/?pet_type=cat")
    expect(page.locator(".product-card")).to_have_count(2)
    # Nothing wider than the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "catalog-phone")
    context.close()


def test_a_broken_product_photo_falls_back_to_the_pet_drawing(page, live_server, shop):
    from playwright.sync_api import expect

    make_product("Lost Photo Treats", image_url=f"{live_server.url}/static/img/no-such-photo.jpg")
    page.goto("/products/?search=lost+photo")
    image = page.locator(".product-card img")
    expect(image).to_have_attribute("src", "/static/img/pets/dog.svg")
    # The drawing loads after the src swap; on a busy CI machine it may not be there yet.
    page.wait_for_function(
        "() => { const img = document.querySelector('.product-card img');"
        " return img.complete && img.naturalWidth > 0; }",
        timeout=10_000,
    )


def test_shopping_works_with_javascript_off(browser, live_server, shop):
    from playwright.sync_api import expect

    from accounts.tests.factories import PASSWORD, UserFactory

    UserFactory(username="nojs")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/products/?search=rope")
    page.get_by_role("link", name=re.compile("Tug Rope Toy")).click()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".messages")).to_contain_text("Added 2 × Tug Rope Toy")
    page.locator("a.cart-link").click()
    page.get_by_role("link", name="Checkout").click()  # guests may buy; a customer logs in
    page.locator("form.form-card").get_by_role("link", name="Log in").click()
    page.get_by_label("Username or email").fill("nojs")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    for label, value in [
        ("Full name", "No Script"),
        ("Street and number", "1 Plain St"),
        ("Postal code", "9999"),
        ("City", "Static"),
        ("Country", "HTML"),
    ]:
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name=re.compile("Place order")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your order!")
    context.close()


def test_search_box_suggests_products_and_a_miss_offers_close_names(page, shop):
    from playwright.sync_api import expect

    page.goto("/")
    page.get_by_label("Search products").press_sequentially("tug r", delay=30)
    suggestion = page.locator(".suggestions").get_by_role("link", name="Tug Rope Toy")
    expect(suggestion).to_be_visible()
    page.get_by_label("Search products").press("ArrowDown")
    expect(suggestion).to_be_focused()
    suggestion.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tug Rope Toy")

    # A plain search that finds nothing: says so, offers the closest names, a way back.
    page.get_by_label("Search products").fill("tunna pate xyzzy")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".no-results")).to_contain_text("No products match")
    expect(page.locator(".did-you-mean")).to_contain_text("Tuna")
    page.get_by_role("link", name="See all products").click()
    expect(page.locator(".product-card")).to_have_count(len(shop))
