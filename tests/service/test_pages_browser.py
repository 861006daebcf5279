"""The nomogram page in a real browser (headless Chromium): from a real card's link to a what-if.

Needs Debian's ``chromium`` (``.ci/run`` installs it). On CI (CI=true) a missing browser fails
the test; elsewhere the test is skipped, saying so. Screenshots go to the test's temporary
folder, or to PVP_CDS_TEST_SCREENSHOT_DIR when set (README's pictures come from there:
``PVP_CDS_TEST_SCREENSHOT_DIR=docs/images``).
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from cds_service import create_app
from fhir_mappings import codes

from . import fhir

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIDEBAR = {"width": 360, "height": 900}
FULL_SCREEN = {"width": 1280, "height": 800}


def _browser_or_skip():
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append("the chromium package (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[test]')")
        sync_playwright = None
    if missing:
        reason = f"browser test of the nomogram page NOT RUN: missing {' and '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture
def service_url() -> Iterator[str]:
    """The service, authentication off, on a free loopback port."""
    app = create_app({"AUTHENTICATION": "off"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    configured = os.environ.get("PVP_CDS_TEST_SCREENSHOT_DIR")
    folder = Path(configured) if configured else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as playwright:
        # launch() gives the browser a fresh temporary profile of its own each time.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_FLAGS)
        yield browser
        browser.close()


def nomogram_link_from_a_real_card(service_url: str) -> str:
    # IVC + Goutallier 3 + blocky cement: the high-risk patient of the examples.
    observations = fhir.findings(ivc=True, grade=3, cement=codes.BLOCKY)
    response = requests.post(
        f"{service_url}/cds-services/pvp-residual-back-pain",
        json=fhir.hook_request(prefetch_data=fhir.prefetch(observations=observations)),
        timeout=10,
    )
    response.raise_for_status()
    (card,) = response.json()["cards"]
    return next(link["url"] for link in card["links"] if "/nomogram?" in link["url"])


def percent_by_hand(logit: float) -> str:
    return f"{100 / (1 + math.exp(-logit)):.0f}%"


def test_card_link_opens_the_nomogram_and_what_if_moves_the_risk(
    browser, service_url, screenshot_dir
):
    page = browser.new_page(viewport=SIDEBAR)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(nomogram_link_from_a_real_card(service_url))

    # logit -3.361 + 1.332 (IVC) + 2.622 (Goutallier 3-4) = 0.593 -> 64%
    assert page.locator("#result .risk").inner_text() == percent_by_hand(0.593) == "64%"
    assert page.locator('[data-axis="goutallier_grade"] .chosen').text_content() == "grade 3-4"
    assert page.locator('[data-axis="intravertebral_vacuum_cleft"] .chosen').text_content() == (
        "present"
    )
    assert page.locator('[data-axis="cement_distribution"] .chosen').text_content() == "blocky"
    # Nothing wider than the sidebar: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= SIDEBAR["width"]
    page.screenshot(path=screenshot_dir / "nomogram-sidebar.png", full_page=True)

    # By keyboard: focus the cement control and step to the next option (blocky -> spongy).
    page.focus("#cement_distribution")
    page.keyboard.press("ArrowDown")
    # Spongy cement: 0.593 - 0.800 = -0.207 -> 45%
    risk = page.locator("#result .risk")
    risk.filter(has_text=percent_by_hand(-0.207)).wait_for(timeout=10_000)
    assert risk.inner_text() == "45%"
    assert page.locator('[data-axis="cement_distribution"] .chosen').text_content() == "spongy"
    assert "cement_distribution=spongy" in page.url
    # The select keeps the focus: a keyboard user goes on from where they were.
    assert page.evaluate("document.activeElement.id") == "cement_distribution"

    assert not problems, problems  # no script error, no Content-Security-Policy violation


def test_nomogram_page_at_full_screen_and_in_print(browser, service_url, screenshot_dir):
    page = browser.new_page(viewport=FULL_SCREEN)
    url = nomogram_link_from_a_real_card(service_url).replace(
        "cement_distribution=blocky", "cement_distribution=unknown"
    )
    page.goto(url)
    # Cement unknown: spongy 0.593 - 0.800 = -0.207 -> 45%, blocky 0.593 -> 64%: two open dots
    # on each axis of the total, and no band.
    assert page.locator("#result .risk").inner_text() == "45%-64%"
    assert page.locator("#possible-risks").inner_text() == (
        f"Bone cement distribution unknown: {percent_by_hand(-0.207)} if spongy, "
        f"{percent_by_hand(0.593)} if blocky."
    )
    assert page.locator('[data-axis="risk"] circle.marker.possible').count() == 2
    assert page.locator("#nomogram rect, #nomogram .band").count() == 0
    page.screenshot(path=screenshot_dir / "nomogram-full.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("#what-if").is_visible()
    assert page.locator("#nomogram svg").is_visible()


def test_model_card_page_renders_without_script_or_policy_errors(browser, service_url):
    page = browser.new_page(viewport=SIDEBAR)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.goto(f"{service_url}/model-card")
    assert "10.1155/2021/3624614" in page.locator("#main").inner_text()
    assert not problems, problems


def test_missing_browser_fails_on_ci_and_is_skipped_elsewhere(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="NOT RUN: missing the chromium package"):
        _browser_or_skip()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="NOT RUN: missing the chromium package"):
        _browser_or_skip()
