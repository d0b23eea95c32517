"""Playwright (sync API) against pytest-django's live_server, in Debian's Chromium.

The sync API runs an asyncio loop in the test thread, and Django refuses ORM calls from a
thread with a running loop (SynchronousOnlyOperation). The tests only use the ORM to set
the scene between page actions, never concurrently, so it is safe to allow here.
"""

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The README's screenshots are retaken only on request (UPDATE_SCREENSHOTS=1), so an
# ordinary test run does not dirty the work tree; otherwise they go to a scratch folder.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "petshop-screenshots"
)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM} (apt-get install chromium); browser journeys skipped"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shoot():
    """`shoot(page, "name")`: a full-page screenshot, name.png in SCREENSHOTS. Taking it
    also proves the page rendered; with UPDATE_SCREENSHOTS=1 it updates the README's."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests flush the data migrations' rows: put pet types and categories back."""
    from catalog.tests.factories import CategoryFactory, PetTypeFactory

    for name in ("Dog", "Cat", "Bird", "Fish", "Reptile", "Other"):
        PetTypeFactory(name=name, slug=name.lower())
    for name in ("Food", "Toys", "Accessories", "Health", "Grooming"):
        CategoryFactory(name=name, slug=name.lower())
