"""Any /api/v1/ path that matches no endpoint: a JSON 404, whatever DEBUG says.

Without it an unknown API path gets Django's HTML 404 page when DEBUG is on, and a POST
to a path missing its trailing slash raises APPEND_SLASH's RuntimeError (a 500).
"""

from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    detail = "Not found."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            detail = f"Not found. API paths end with a slash: {request.path}/"
    return JsonResponse({"detail": detail}, status=404)
