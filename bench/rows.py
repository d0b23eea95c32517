"""The rows of issue 14's table (and the targets' rows): what each one requests.

A row is a dict: name, paths, and optionally method, tokens (a JWT picked per request, or
one per connection with per_thread_token), cookies (a session per request), body_lua (a
Lua expression returning a function that makes each body), threads, connections, and
modes (the cache settings it runs under; both unless the cache cannot matter).
"""

from bench.config import CHECKOUT_ADDRESS, WORKERS
from bench.load import lua_list

CEILING = "bare view /healthz/live (ceiling)"
DETAIL = "product detail, anonymous"
LIST = "product list, first page"
FILTERED = "product list, filtered"
STORE_LIST = "storefront catalog page, anonymous"
STORE_PRODUCT = "storefront product page, anonymous"
STORE_LIST_USER = "storefront catalog page, logged in"
STORE_ORDERS = "storefront orders page, logged in (20 orders)"
ORDERS = "orders list, JWT (20 orders)"
CART = "cart, JWT"
CHECKOUT = "checkout, 16 buyers (orders/s)"
WHILE_BUYING = "product list, first page, while 4 buyers check out"

STORE_LIST_PATH = "/products/?pet_type=cat&category=toys&sort=price"


def _random_body(values: list, template: str) -> str:
    return (
        f"(function() local p = {lua_list(values)}; return function() "
        f"return string.format('{template}', p[math.random(#p)]) end end)()"
    )


def rows_for(fx: dict) -> list[dict]:
    pool = fx["checkout_pool"]
    return [
        {"name": CEILING, "paths": ["/healthz/live"]},
        {"name": DETAIL, "paths": [f"/api/v1/products/{pid}/" for pid, _ in fx["detail"]]},
        {"name": LIST, "paths": ["/api/v1/products/"]},
        {
            "name": FILTERED,
            "paths": [
                "/api/v1/products/?pet_type=dog&category=food&in_stock=true"
                "&min_price=10&max_price=80&ordering=-price"
            ],
        },
        {
            "name": "product list, searched",
            "paths": ["/api/v1/products/?search=crunchy%20dog%20kibble"],
        },
        {
            "name": f"product list, page {fx['deep_page']}",
            "paths": [f"/api/v1/products/?page={fx['deep_page']}"],
        },
        {"name": "categories", "paths": ["/api/v1/categories/"]},
        {"name": STORE_LIST, "paths": [STORE_LIST_PATH]},
        {
            "name": STORE_PRODUCT,
            "paths": [f"/products/{pid}/{slug}/" for pid, slug in fx["detail"]],
        },
        {"name": STORE_LIST_USER, "paths": [STORE_LIST_PATH], "cookies": fx["holder_sessions"]},
        {"name": STORE_ORDERS, "paths": ["/orders/"], "cookies": fx["holder_sessions"]},
        {"name": ORDERS, "paths": ["/api/v1/orders/"], "tokens": fx["holder_tokens"]},
        {
            "name": "cart add, JWT",
            "method": "POST",
            "paths": ["/api/v1/cart/items/"],
            "tokens": fx["shopper_tokens"],
            "body_lua": _random_body(fx["cart_products"], '{"product_id": %d, "quantity": 1}'),
        },
        # After "cart add": the shoppers' carts hold a few lines each.
        {"name": CART, "paths": ["/api/v1/cart/"], "tokens": fx["shopper_tokens"]},
        {
            "name": "login (Argon2)",
            "method": "POST",
            "paths": ["/api/v1/auth/login/"],
            "connections": WORKERS,
            "threads": 1,
            "modes": ("on",),
            "body_lua": _random_body(
                fx["usernames"], '{"username": "%s", "password": "bench-password-2026"}'
            ),
        },
        {
            "name": CHECKOUT,
            "method": "POST",
            "paths": ["/api/v1/orders/"],
            "tokens": fx["buyer_tokens"],
            "per_thread_token": True,
            "threads": 16,
            "connections": 16,
            "body_lua": f"(function() local p = {lua_list(pool)}; return function() "
            "local a = p[math.random(#p)]; local b = p[math.random(#p)]; "
            "while b == a do b = p[math.random(#p)] end; "
            f'return string.format(\'{{"shipping_address": "{CHECKOUT_ADDRESS}", "items": '
            '[{"product_id": %d, "quantity": 1}, {"product_id": %d, "quantity": 2}]}\', a, b) '
            "end end)()",
        },
    ]
