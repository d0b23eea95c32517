"""Which cart a browser request shops with: the user's own cart, or an anonymous
visitor's session cart (merged into the user's cart when they log in)."""

from django.contrib import messages

from sales.models import Cart
from sales.services import cart_for_session, cart_for_user, cart_merge

VISITOR_CART_SESSION_KEY = "visitor_cart_session_key"


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
