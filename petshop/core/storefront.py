"""Helpers every app's storefront views share."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect


def post_or_back_to(url_name: str):
    """require_POST for a storefront form's target that sits behind login_required,
    except that a GET goes back to the page holding the form (`url_name`, reversed
    with the view's own kwargs) instead of a blank 405. That GET is what the login
    redirect sends when the form was posted after the session ran out."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, **kwargs):
            if request.method != "POST":
                messages.info(request, "Nothing was changed: please use the button on this page.")
                return redirect(url_name, **kwargs)
            return view(request, **kwargs)

        return wrapper

    return decorate
