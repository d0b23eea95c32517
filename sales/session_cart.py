"""Which cart a browser request shops with: the user's own cart, or an anonymous
visitor's session cart (merged into the user's cart when they log in)."""

from django.contrib import messages

from sales.models import Cart, CartLine
from sales.services import cart_for_session, cart_for_user, cart_merge

VISITOR_CART_SESSION_KEY = "visitor_cart_session_key"
# What the cart page and checkout read of a line's product: the page its name, link,
# price and sale problem (CartLine.problem), checkout's quote also the category (tax).
PRODUCT_COLUMNS = ("name", "slug", "price", "stock", "is_active", "category")


def current_cart(request, *, create: bool = False) -> Cart | None:
    if request.user.is_authenticated:
        return cart_for_user(user=request.user, create=create)
    if not request.session.session_key:
        if not create:
            return None
        request.session.save()  # a visitor's first add needs a key to hang the cart on
    if create:
        # login() rotates the session key but keeps the data: remember which key the
        # visitor's cart hangs on, so the merge at login can find it.
        request.session[VISITOR_CART_SESSION_KEY] = request.session.session_key
    return cart_for_session(session_key=request.session.session_key, create=create)


def current_lines(request):
    """The lines (a CartLine queryset) of the cart current_cart(request) finds, read
    through the cart's owner: none, without a query, for a visitor without a session.
    Safe on a request the session and auth middleware never saw (an error page)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return CartLine.objects.filter(cart__user=user)
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return CartLine.objects.filter(cart__session_key=session.session_key)
    return CartLine.objects.none()


def current_cart_lines(request) -> list[CartLine]:
    """current_lines(request) with their products, in one query."""
    return list(
        current_lines(request)
        .select_related("product")
        .only(
            "cart_id", "product_id", "quantity", *(f"product__{name}" for name in PRODUCT_COLUMNS)
        )
    )


def session_cart_merge(request) -> None:
    """After login: move the visitor's cart into the user's cart, and tell them what
    had to change. Called by the user_logged_in receiver (sales/receivers.py)."""
    anonymous_session_key = request.session.pop(VISITOR_CART_SESSION_KEY, None)
    if not anonymous_session_key or not request.user.is_authenticated:
        return
    source = cart_for_session(session_key=anonymous_session_key, create=False)
    if source is None:
        return
    had_lines = source.lines.exists()
    notes = cart_merge(source=source, target=cart_for_user(user=request.user))
    if had_lines:
        messages.info(request, "The items you picked before logging in are in your cart.")
    for note in notes:
        messages.warning(request, note)
