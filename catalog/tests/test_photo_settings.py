"""Where photos are stored is configuration: the file system by default, an
S3-compatible object store by environment variables (fresh interpreters: settings are
read once per process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(args: list[str], **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDIA_"))}
    environment.update(env, DJANGO_SETTINGS_MODULE="petshop.settings")
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


SHOW_STORAGE = [
    "-c",
    "import django, json; django.setup(); from django.conf import settings; "
    "from django.urls import reverse, NoReverseMatch\n"
    "try: media = reverse('media', args=['photos/a.jpg'])\n"
    "except NoReverseMatch: media = None\n"
    "print(json.dumps({'default': settings.STORAGES['default'], 'media': media}))",
]


def test_photos_are_stored_on_the_file_system_and_served_in_development():
    result = run_python(SHOW_STORAGE)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.splitlines()[-1])
    assert shown["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert shown["media"] == "/media/photos/a.jpg"


def test_an_s3_compatible_store_is_configured_from_the_environment():
    result = run_python(
        SHOW_STORAGE,
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET="shop-media",
        MEDIA_S3_ENDPOINT_URL="https://minio.internal:9000",
        MEDIA_S3_CUSTOM_DOMAIN="media.shop.example.com",
        MEDIA_SERVE="false",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.splitlines()[-1])
    assert shown["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = shown["default"]["OPTIONS"]
    assert options["bucket_name"] == "shop-media"
    assert options["endpoint_url"] == "https://minio.internal:9000"
    assert options["custom_domain"] == "media.shop.example.com"
    assert options["querystring_auth"] is False
    assert "immutable" in options["object_parameters"]["CacheControl"]
    assert shown["media"] is None  # the store serves the files, not Django


def test_an_unknown_storage_refuses_to_start():
    result = run_python(SHOW_STORAGE, MEDIA_STORAGE="ftp")
    assert result.returncode != 0 and "MEDIA_STORAGE" in result.stderr
