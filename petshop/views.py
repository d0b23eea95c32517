import sys

from django.shortcuts import render


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    # Called while the uncaught exception is being handled. A database outage raised
    # outside a view (session save, a middleware) is a 503 like any other, not a 500.
    from petshop.middleware import UNAVAILABLE, DatabaseUnavailableMiddleware

    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE):
        return DatabaseUnavailableMiddleware.unavailable(request, exc)
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": "Server error."}, status=500)
    return render(request, "500.html", status=500)
