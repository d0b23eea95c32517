"""What the demo shop contains. Plain data, no logic: edit freely.

Stock figures are the stock *before* the demo orders take their share; a few products
are deliberately low (at or under LOW_STOCK_THRESHOLD) or sold out.
"""

from decimal import Decimal as D

from petshop.demo import products_dogs_cats, products_others

# (username, email, first name, last name, password, is_admin)
# The passwords pass Django's password validators (checked by the tests).
USERS = [
    ("admin", "admin@petshop.example", "Ada", "Admin", "admin-demo-pass", True),
    ("alice", "alice@petshop.example", "Alice", "Archer", "alice-demo-pass", False),
    ("bob", "bob@petshop.example", "Bob", "Barker", "bob-demo-pass", False),
    ("carol", "carol@petshop.example", "Carol", "Catling", "carol-demo-pass", False),
]

ADDRESSES = {
    "alice": "Alice Archer\n12 Willow Road\nPortland, OR 97201",
    "bob": "Bob Barker\n3 Kennel Court\nAustin, TX 78701",
    "carol": "Carol Catling\nApt 5, 40 Whisker Street\nMadison, WI 53703",
    "admin": "Ada Admin\n1 Main Street\nBoulder, CO 80302",
}

# Saved addresses of the demo customers' address books (label, name, line1, line2,
# city, postal code, region, country): checkout offers them.
SAVED_ADDRESSES = {
    "alice": ("Home", "Alice Archer", "12 Willow Road", "", "Portland", "97201", "OR", "USA"),
    "bob": ("Home", "Bob Barker", "3 Kennel Court", "", "Austin", "78701", "TX", "USA"),
    "carol": (
        "Home",
        "Carol Catling",
        "40 Whisker Street",
        "Apt 5",
        "Madison",
        "53703",
        "WI",
        "USA",
    ),
}

# Shipping methods (name, price, free from this subtotal or None, estimated days,
# position) and the shop's tax rate in percent, with a lower rate for food.
SHIPPING_METHODS = [
    ("Standard", D("4.90"), D("50.00"), 4, 0),
    ("Express", D("12.90"), None, 1, 1),
]
SHOP_TAX_RATE = D("8.00")
CATEGORY_TAX_RATES = {"food": D("5.00")}

# The products: long tables of their own, by pet.
PRODUCTS = products_dogs_cats.PRODUCTS + products_others.PRODUCTS

# Orders, oldest first. Each is placed by the checkout service and then moved to its
# status by the order services, as a customer and staff would.
#   customer, [(sku, quantity)], final status, days ago, invoice status to record
#   ("paid" through invoice_set_status; None leaves it as checkout issued it).
# An order placed more than INVOICE_DUE_DAYS ago and left unpaid becomes overdue when
# seed_demo runs mark-overdue at the end.
ORDERS = [
    ("carol", [("DEMO-CAT-001", 1), ("DEMO-CAT-004", 2)], "delivered", 55, "paid"),
    ("bob", [("DEMO-DOG-001", 1), ("DEMO-DOG-005", 2)], "delivered", 48, "paid"),
    ("alice", [("DEMO-FSH-004", 1), ("DEMO-FSH-005", 2)], "pending", 42, None),  # -> overdue
    ("carol", [("DEMO-BRD-001", 3)], "cancelled", 35, None),
    ("alice", [("DEMO-DOG-002", 4), ("DEMO-DOG-004", 1)], "delivered", 20, "paid"),
    ("bob", [("DEMO-CAT-002", 2), ("DEMO-CAT-008", 1)], "delivered", 12, "paid"),
    ("carol", [("DEMO-REP-001", 1), ("DEMO-REP-005", 1)], "cancelled", 9, "paid"),  # refunded
    ("alice", [("DEMO-OTH-001", 2), ("DEMO-OTH-002", 1)], "shipped", 6, "paid"),
    ("bob", [("DEMO-DOG-007", 1), ("DEMO-DOG-008", 1)], "processing", 4, "paid"),
    ("carol", [("DEMO-CAT-006", 1)], "confirmed", 2, None),
    ("alice", [("DEMO-BRD-003", 1), ("DEMO-BRD-005", 1)], "pending", 1, None),
    ("bob", [("DEMO-FSH-001", 1)], "pending", 0, None),
]

# Returns of delivered orders (index into ORDERS), with what the shop did with them.
#   order index, [(sku, quantity, reason)], final status, admin note
RETURNS = [
    (4, [("DEMO-DOG-002", 2, "My puppy does not like lamb.")], "processed", "Unopened; refunded."),
    (5, [("DEMO-CAT-008", 1, "Ordered by mistake.")], "requested", None),
]
