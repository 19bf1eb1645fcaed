"""Console fixtures: a running server (SQLite and PostgreSQL via ``server``), staff users
made through the console's own functions, and one headless Chromium for the whole session.

Chromium and chromedriver are Debian's (``apt-get install chromium chromium-driver``; .ci/run
installs them). Without them the browser tests skip with that sentence, except under CI=true
where they fail: CI must drive the real browser.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from distributor_server.console import staff as staff_mod
from distributor_server.console import totp
from distributor_server.embedded import EmbeddedServer, start_embedded

PASSWORD = "kopi tubruk pagi hari"  # 21 characters, not a common one


@dataclass(frozen=True)
class StaffLogin:
    username: str
    password: str
    secret: str
    recovery_codes: list[str]

    def code(self, offset_steps: int = 0) -> str:
        return totp.code_at(self.secret, totp.time_step(time.time()) + offset_steps)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[EmbeddedServer]:
    """One running server per database engine for a whole test module (its tests make their
    own staff, kiosks and tickets with unique names), so the browser tests stay quick."""
    if request.param == "sqlite":
        where = tmp_path_factory.mktemp("console")
        url, key_file = f"sqlite:///{where / 'server.sqlite3'}", where / "master.key"
    else:
        url, key_file = request.getfixturevalue("pg_url"), request.getfixturevalue("pg_key_file")
    handle = start_embedded(url, key_file=key_file)  # no FAST polling: the pages need no worker
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def make_staff(server: EmbeddedServer) -> Callable[..., StaffLogin]:
    def make(username: str, role: str) -> StaffLogin:
        # the PostgreSQL database is shared by the session: names must not collide
        username = f"{username}-{uuid.uuid4().hex[:6]}"
        enrolment = staff_mod.create_staff(server.ctx.db, username, role, PASSWORD)
        secret = re.search(r"secret=([A-Z2-7]+)", enrolment.otpauth_uri).group(1)
        return StaffLogin(username, PASSWORD, secret, enrolment.recovery_codes)

    return make


def _browser_paths() -> tuple[str, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium at 1366x768 shared by the session (cookies cleared per test)."""
    paths = _browser_paths()
    if paths is None:
        message = ("Chromium and chromedriver are not installed "
                   "(apt-get install chromium chromium-driver)")
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI=true: the console's browser tests must run")
        pytest.skip(message)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("selenium is not installed (pip install -e '.[test]')")
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,768", "--lang=id", "--no-first-run",
                "--disable-extensions", "--disable-background-networking"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=paths[1]), options=options)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def console(browser: object, server: EmbeddedServer) -> Iterator[ConsoleBrowser]:
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})  # every host's, no page load
    yield ConsoleBrowser(browser, server.url)
    for handle in browser.window_handles[1:]:
        browser.switch_to.window(handle)
        browser.close()
    browser.switch_to.window(browser.window_handles[0])


class ConsoleBrowser:
    """The few things a clerk does in the console, as browser actions."""

    def __init__(self, driver: object, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    @property
    def path(self) -> str:
        return self.driver.current_url[len(self.base_url):]

    def status(self) -> int:
        """The HTTP status of the page on screen (Navigation Timing)."""
        return self.driver.execute_script(
            "return performance.getEntriesByType('navigation')[0].responseStatus")

    def find(self, css: str) -> object:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str = "main") -> str:
        """The element's text; found again if the page was still being replaced when it was
        first found (a loaded machine can hand over a node of the page being left)."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.wait import WebDriverWait

        for attempt in range(5):
            try:
                return self.find(css).text
            except WebDriverException:
                if attempt == 4:
                    raise
                WebDriverWait(self.driver, 10, poll_frequency=0.02).until(
                    lambda d: d.execute_script("return document.readyState") == "complete")
        raise AssertionError("unreachable")

    def type(self, css: str, value: str) -> None:
        field = self.find(css)
        field.clear()
        field.send_keys(value)

    def click(self, css: str) -> None:
        """Click a button that submits a form and wait for the next page to replace this one
        (a click returns before the navigation it starts has finished)."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.wait import WebDriverWait

        button = self.find(css)
        button.click()

        def gone(_driver: object) -> bool:
            """The button's page was replaced. Chromium says so as a stale element, or (while
            the old document is being torn down) as "Node ... does not belong to the
            document", which selenium's staleness_of does not take for stale."""
            try:
                button.is_enabled()
            except WebDriverException:
                return True
            return False

        wait = WebDriverWait(self.driver, 15, poll_frequency=0.02)
        wait.until(gone)
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def submit_password(self, username: str, password: str) -> None:
        self.open("/console/login")
        self.type("#username", username)
        self.type("#password", password)
        self.click("#submit")

    def submit_code(self, code: str) -> None:
        self.type("#code", code)
        self.click("#submit")

    def sign_in(self, who: StaffLogin) -> None:
        self.submit_password(who.username, who.password)
        self.submit_code(who.code())
        assert self.path == "/console/", self.text()

    def sign_out(self) -> None:
        self.click("form[action='/console/logout'] button")
