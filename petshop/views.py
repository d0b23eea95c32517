import sys
from functools import wraps

from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.shortcuts import redirect, render


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


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    # Called while the uncaught exception is being handled. A database outage raised
    # outside a view (session save, a middleware) is a 503 like any other, not a 500.
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        from petshop.middleware import DatabaseUnavailableMiddleware

        return DatabaseUnavailableMiddleware.unavailable(request, exc)
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": "Server error."}, status=500)
    return render(request, "500.html", status=500)
