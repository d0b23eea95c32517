"""Every endpoint of API.md in one table, with who gets which status.

The permission matrix (tests/test_api_permissions.py) is generated from this table, and
the OpenAPI test (petshop/tests/test_openapi.py) checks that every path in it is in the
schema. Columns: the anonymous caller, the customer who owns the objects in the path,
another customer, an admin. `{name}` in a path is an object the test builds (see
`World` in test_api_permissions.py); `body(world, caller)` is a valid request body.
"""

from collections.abc import Callable
from dataclasses import dataclass

NEW_PASSWORD = "An-entirely-new-passphrase-2026"


@dataclass(frozen=True)
class Endpoint:
    ref: str  # the row of API.md
    method: str
    path: str
    anonymous: int
    owner: int
    other: int
    admin: int
    body: Callable | None = None
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.ref} {self.method} {self.path}"


def _line(w, c):
    return {"product_id": w.product.pk, "quantity": 1}


def _user_fields(w, c):
    return {
        "username": f"renamed{w.owner.pk}",
        "email": f"renamed{w.owner.pk}@example.com",
        "first_name": "Re",
        "last_name": "Named",
        "phone": "555",
    }


def _product_fields(w, c):
    return {"name": "Kibble XL", "price": "9.99", "category": "food", "pet_type": "dog", "stock": 4}


def _return_body(w, c):
    return {
        "order_id": w.delivered_order.pk,
        "items": [{"product_id": w.delivered_product.pk, "quantity": 1, "reason": "Too big"}],
    }


ENDPOINTS = [
    # --- Auth ---
    Endpoint(
        "A1",
        "POST",
        "/api/v1/auth/register/",
        201,
        201,
        201,
        201,
        lambda w, c: {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password": NEW_PASSWORD,
        },
    ),
    Endpoint(
        "A2",
        "POST",
        "/api/v1/auth/login/",
        200,
        200,
        200,
        200,
        lambda w, c: {"username": w.owner.username, "password": w.password},
    ),
    Endpoint(
        "A3",
        "POST",
        "/api/v1/auth/refresh/",
        200,
        200,
        200,
        200,
        lambda w, c: {"refresh": w.refresh_for(w.owner)},
    ),
    Endpoint(
        "A4",
        "POST",
        "/api/v1/auth/logout/",
        401,
        204,
        204,
        204,
        lambda w, c: {"refresh": w.refresh_for(c or w.owner)},
        "each caller logs out its own token",
    ),
    Endpoint("A5", "GET", "/api/v1/auth/me/", 401, 200, 200, 200),
    Endpoint(
        "A6",
        "POST",
        "/api/v1/auth/password-reset/",
        202,
        202,
        202,
        202,
        lambda w, c: {"email": w.owner.email},
        "anyone; the same answer for every address",
    ),
    Endpoint(
        "A7",
        "POST",
        "/api/v1/auth/password-reset/confirm/",
        400,
        400,
        400,
        400,
        lambda w, c: {"uid": "MQ", "token": "not-a-token", "new_password": NEW_PASSWORD},
        "anyone; a wrong token is 400 invalid_token (the good path: test_password_reset.py)",
    ),
    # --- Users ---
    Endpoint("U1", "GET", "/api/v1/users/", 401, 403, 403, 200),
    Endpoint("U2", "GET", "/api/v1/users/{user}/", 401, 200, 404, 200),
    Endpoint("U3", "PUT", "/api/v1/users/{user}/", 401, 200, 404, 200, _user_fields),
    Endpoint(
        "U3",
        "PATCH",
        "/api/v1/users/{user}/",
        401,
        200,
        404,
        200,
        lambda w, c: {"phone": "555-0100"},
    ),
    Endpoint("U4", "DELETE", "/api/v1/users/{user}/", 401, 204, 404, 204),
    Endpoint(
        "U5",
        "POST",
        "/api/v1/users/{user}/password/",
        401,
        204,
        404,
        204,
        lambda w, c: {"current_password": w.password, "new_password": NEW_PASSWORD},
    ),
    Endpoint("U6", "GET", "/api/v1/users/{user}/roles/", 401, 200, 404, 200),
    Endpoint(
        "U7",
        "POST",
        "/api/v1/users/{user}/roles/",
        401,
        403,
        403,
        200,
        lambda w, c: {"role": "admin"},
    ),
    Endpoint(
        "U8",
        "DELETE",
        "/api/v1/users/{user}/roles/{role}/",
        401,
        403,
        403,
        409,
        note="the owner's only role: the admin reaches the rule (409 last_role)",
    ),
    # --- Catalog ---
    Endpoint("C1", "GET", "/api/v1/products/", 200, 200, 200, 200),
    Endpoint("C2", "GET", "/api/v1/products/{product}/", 200, 200, 200, 200),
    Endpoint("C3", "POST", "/api/v1/products/", 401, 403, 403, 201, _product_fields),
    Endpoint("C4", "PUT", "/api/v1/products/{product}/", 401, 403, 403, 200, _product_fields),
    Endpoint(
        "C4",
        "PATCH",
        "/api/v1/products/{product}/",
        401,
        403,
        403,
        200,
        lambda w, c: {"price": "11.50"},
    ),
    Endpoint("C5", "DELETE", "/api/v1/products/{product}/", 401, 403, 403, 204),
    Endpoint("C6", "GET", "/api/v1/categories/", 200, 200, 200, 200),
    Endpoint("C7", "GET", "/api/v1/categories/{category}/", 200, 200, 200, 200),
    Endpoint(
        "C8", "POST", "/api/v1/categories/", 401, 403, 403, 201, lambda w, c: {"name": "Aquaria"}
    ),
    Endpoint(
        "C9",
        "PATCH",
        "/api/v1/categories/{category}/",
        401,
        403,
        403,
        200,
        lambda w, c: {"description": "Snacks"},
    ),
    Endpoint("C10", "DELETE", "/api/v1/categories/{category}/", 401, 403, 403, 204),
    Endpoint("C11", "GET", "/api/v1/pet-types/", 200, 200, 200, 200),
    # --- Cart: each user has their own; the owner's line is not in the others' carts ---
    Endpoint("K1", "GET", "/api/v1/cart/", 401, 200, 200, 200),
    Endpoint(
        "K2", "PUT", "/api/v1/cart/", 401, 200, 200, 200, lambda w, c: {"items": [_line(w, c)]}
    ),
    Endpoint("K3", "DELETE", "/api/v1/cart/", 401, 204, 204, 204),
    Endpoint("K4", "POST", "/api/v1/cart/items/", 401, 201, 201, 201, _line),
    Endpoint(
        "K5",
        "PATCH",
        "/api/v1/cart/items/{cart_product}/",
        401,
        200,
        404,
        404,
        lambda w, c: {"quantity": 2},
    ),
    Endpoint("K6", "DELETE", "/api/v1/cart/items/{cart_product}/", 401, 204, 404, 404),
    Endpoint("K7", "GET", "/api/v1/carts/", 401, 403, 403, 200),
    Endpoint("K8", "GET", "/api/v1/carts/{cart}/", 401, 403, 403, 200),
    # --- Orders ---
    Endpoint("O1", "GET", "/api/v1/orders/", 401, 200, 200, 200),
    Endpoint(
        "O2",
        "POST",
        "/api/v1/orders/",
        401,
        201,
        201,
        201,
        lambda w, c: {"shipping_address": "1 Dog Lane, Barkville", "items": [_line(w, c)]},
    ),
    Endpoint("O3", "GET", "/api/v1/orders/{order}/", 401, 200, 404, 200),
    Endpoint(
        "O4",
        "PATCH",
        "/api/v1/orders/{order}/",
        401,
        200,
        404,
        200,
        lambda w, c: {"shipping_address": "2 Cat Road, Meowtown"},
    ),
    Endpoint("O5", "POST", "/api/v1/orders/{order}/cancel/", 401, 200, 404, 200),
    Endpoint(
        "O6",
        "PATCH",
        "/api/v1/orders/{order}/status/",
        401,
        403,
        403,
        200,
        lambda w, c: {"status": "confirmed"},
    ),
    Endpoint("O7", "DELETE", "/api/v1/orders/{cancelled_order}/", 401, 403, 403, 204),
    # --- Invoices ---
    Endpoint("I1", "GET", "/api/v1/invoices/", 401, 200, 200, 200),
    Endpoint("I2", "GET", "/api/v1/invoices/{invoice}/", 401, 200, 404, 200),
    Endpoint(
        "I3",
        "POST",
        "/api/v1/invoices/",
        401,
        403,
        403,
        201,
        lambda w, c: {"order_id": w.uninvoiced_order.pk},
    ),
    Endpoint(
        "I4",
        "PATCH",
        "/api/v1/invoices/{invoice}/",
        401,
        403,
        403,
        200,
        lambda w, c: {"notes": "Net 30"},
    ),
    Endpoint(
        "I5",
        "PATCH",
        "/api/v1/invoices/{invoice}/status/",
        401,
        403,
        403,
        200,
        lambda w, c: {"status": "paid"},
    ),
    Endpoint("I6", "DELETE", "/api/v1/invoices/{cancelled_invoice}/", 401, 403, 403, 204),
    # --- Returns ---
    Endpoint("R1", "GET", "/api/v1/returns/", 401, 200, 200, 200),
    Endpoint("R2", "GET", "/api/v1/returns/{return}/", 401, 200, 404, 200),
    Endpoint(
        "R3",
        "POST",
        "/api/v1/returns/",
        401,
        201,
        404,
        201,
        _return_body,
        "another customer's order is not revealed: 404",
    ),
    Endpoint(
        "R4",
        "PATCH",
        "/api/v1/returns/{return}/",
        401,
        403,
        403,
        200,
        lambda w, c: {"admin_notes": "Checked"},
    ),
    Endpoint(
        "R5",
        "PATCH",
        "/api/v1/returns/{return}/status/",
        401,
        403,
        403,
        200,
        lambda w, c: {"status": "approved"},
    ),
    Endpoint("R6", "DELETE", "/api/v1/returns/{return}/", 401, 204, 404, 204),
    # --- Meta ---
    Endpoint("M1", "GET", "/api/v1/schema/", 200, 200, 200, 200),
    Endpoint("M2", "GET", "/api/v1/docs/", 200, 200, 200, 200),
    Endpoint("M3", "GET", "/healthz", 200, 200, 200, 200),
]

# The API paths the OpenAPI document must describe (the meta rows describe the document).
DOCUMENTED = [e for e in ENDPOINTS if e.path.startswith("/api/v1/") and e.ref[0] != "M"]
