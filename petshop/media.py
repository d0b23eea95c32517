"""Serving uploaded files from the default storage (`MEDIA_SERVE`: development and a
single small server; in production the object store or a web server does it).

Only the image types the shop stores are served, each with its own content type decided
here from the stored name (never guessed from the content), with `nosniff`, so nothing
uploaded can ever be served as HTML or script. Names are random and never reused, so
browsers may keep a file for a year.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from catalog.imaging import CONTENT_TYPES

CACHE_CONTROL = "public, max-age=31536000, immutable"


def media_serve(request, name: str):
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in CONTENT_TYPES or ".." in name.split("/") or name.startswith("/"):
        raise Http404("No such file.")
    try:
        file = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError, ValueError) as error:  # ValueError: a suspicious name
        raise Http404("No such file.") from error
    response = FileResponse(file, content_type=CONTENT_TYPES[extension])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
