"""`make screenshots`: a PNG of each console page on demo data, into docs/console/.

Simulates a small company (three communities, two weeks ending today) into a throwaway
SQLite file, starts `propdesk serve` on it, signs in with the demo's accounts in Debian's
Chromium (driven by Playwright; never a downloaded browser) and photographs each page at
1280x800, and the queue at a tablet's 768 pixels. A page the console does not serve yet is
skipped with a message. Needs /usr/bin/chromium and a CJK font (fonts-noto-cjk), as
`.ci/run` installs them; Chinese text shows as boxes without the font.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from rich.console import Console

from api.cli.demo import run_demo
from api.cli.demo_accounts import DemoAccount
from api.config.settings import Settings
from api.simulation.simulator import Scenario
from api.simulation.sites import company_contracts, company_sites

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the browser as the browser tests launch it
from support.chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

OUT = ROOT / "docs" / "console"
DESKTOP = ViewportSize(width=1280, height=800)
TABLET = ViewportSize(width=768, height=1024)
PHONE = ViewportSize(width=360, height=740)
HOUSEHOLDS, DAYS = 1000, 14


def demo_database(folder: Path) -> tuple[Path, dict[str, DemoAccount]]:
    db = folder / "screenshots.db"
    sites = company_sites(HOUSEHOLDS, 3)
    scenario = Scenario(
        households=HOUSEHOLDS,
        days=DAYS,
        communities=sites,
        contracts=company_contracts(sites, DAYS),
    )
    print(f"simulating {DAYS} days of {HOUSEHOLDS} households into {db}")
    result = run_demo(Settings.load({}, db=str(db)), scenario, console=Console(file=io.StringIO()))
    print(f"  {result.case_count:,} cases, {result.events:,} events")
    return db, {a.role: a for a in result.accounts}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(db: Path, folder: Path) -> Iterator[str]:
    """`propdesk serve` on the file, until its read models have caught up with the log."""
    port = free_port()
    propdesk = Path(sys.executable).parent / "propdesk"
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen(
        [str(propdesk), "serve", "--db", str(db), "--port", str(port), "--workers", "1"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        caught_up(base, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def caught_up(base: str, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"propdesk serve ended with {server.returncode}")
        try:
            health = httpx.get(f"{base}/health", timeout=2).json()
            if health.get("read_models_position") == health.get("log_position"):
                return
        except (httpx.TransportError, ValueError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server's read models did not catch up in {timeout} s")


def sign_in(page: Page, account: DemoAccount) -> None:
    page.goto("/console/login")
    page.fill("input[name=username]", account.name)
    page.fill("input[name=password]", account.password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if "/console/login" in page.url:
        raise SystemExit(f"could not sign in as {account.name}")


def shoot(page: Page, path: str, name: str, scroll_to: str | None = None) -> bool:
    """A PNG of the page at `path` (scrolled to the first `scroll_to` element, if any);
    False (and a message) when the console does not serve it yet."""
    answer = page.goto(path)
    if answer is None or answer.status != 200:
        status = answer.status if answer else "no answer"
        print(f"  skipped {name}: {path} answered {status} (not served yet?)")
        return False
    page.wait_for_load_state("networkidle")
    if scroll_to and page.locator(scroll_to).count():
        page.locator(scroll_to).first.evaluate("e => { e.scrollIntoView(); scrollBy(0, -70); }")
    target = OUT / f"{name}.png"
    page.screenshot(path=str(target))
    print(f"  {target.relative_to(OUT.parent.parent)} ({target.stat().st_size // 1024} KB)")
    return True


def worked_case(page: Page) -> str | None:
    """The page of a closed repair that someone was sent to (a long timeline, a step table):
    the first the queue lists with an assignee, else the first listed."""
    page.goto("/console/cases?kind=repair&state=closed&sort=received")
    found: str | None = page.evaluate(
        """() => {
            const rows = Array.from(document.querySelectorAll('table.cases tbody tr[data-case]'));
            const worked = rows.find(r => r.cells[8] && r.cells[8].innerText.trim()) || rows[0];
            return worked ? worked.querySelector('a').getAttribute('href') : null;
        }"""
    )
    return found


def what_if_comparison(page: Page) -> str:
    """The what-if page comparing the live policies with the shipped level-2 file (the
    first candidate offered, if that is not one)."""
    page.goto("/console/what-if")
    options = page.locator("#s-policy option")
    if not options.count():
        return "/console/what-if"
    texts = options.all_inner_texts()
    chosen = next((i for i, t in enumerate(texts) if "level-2.toml" in t), 0)
    key = options.nth(chosen).get_attribute("value") or ""
    return f"/console/what-if?policy={quote(key)}"


def as_role(
    browser: Browser, base: str, account: DemoAccount, viewport: ViewportSize = DESKTOP
) -> Page:
    context = browser.new_context(
        base_url=base, viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    sign_in(page, account)
    return page


def photograph(browser: Browser, base: str, accounts: dict[str, DemoAccount]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    login = browser.new_context(base_url=base, viewport=DESKTOP, locale="zh-CN").new_page()
    shoot(login, "/console/login", "login")
    boss = as_role(browser, base, accounts["supervisor"])
    shoot(boss, "/console/cases", "queue")
    # A case that went the whole way (received, dispatched, completed, called back, closed).
    case = worked_case(boss)
    if case is None or not shoot(boss, case, "case"):
        print("  skipped case: no closed repair listed, or no case page yet")
    shoot(boss, "/console/sla", "sla")
    shoot(boss, "/console/first-contact", "first-contact")
    shoot(boss, "/console/callbacks", "callbacks")
    # The comparison, below the two forms.
    shoot(boss, what_if_comparison(boss), "what-if", scroll_to="dl.facts")
    if case is not None:  # a reveal, so that the access log has a line to show
        boss.goto(case)
        reveal = boss.locator("form.reveal button")
        if reveal.count():
            reveal.first.click()
            boss.wait_for_load_state("networkidle")
    admin = as_role(browser, base, accounts["admin"])
    shoot(admin, "/console/access-log", "access-log")
    tablet = as_role(browser, base, accounts["supervisor"], TABLET)
    shoot(tablet, "/console/cases", "queue-tablet")
    workbench(browser, base, accounts)


def workbench(browser: Browser, base: str, accounts: dict[str, DemoAccount]) -> None:
    """The pages of the day's work, done in the browser as an agent does it: three lift
    faults recorded at the new-case form and dispatched to the demo's worker from their
    case pages; a case with its commands; the form again with the three listed as possible
    duplicates of the location typed; the engineer's page on a phone."""
    desk = as_role(browser, base, accounts["agent"])
    worker = accounts["worker"]
    community = worker.communities[0] if worker.communities else None
    cases = [record(desk, community, "6-1-1801", f"电梯故障，第 {n} 位住户来电") for n in (1, 2, 3)]
    shoot(desk, cases[0] + "?act=dispatch", "case-actions", scroll_to="#actions")
    for case in cases:
        dispatch(desk, case, worker.name)
    if shoot(desk, "/console/new", "new-case"):
        fill_new_case(desk, community, "6-1-1801", "电梯停在 12 楼不动")
        desk.locator("#similar li").first.wait_for(timeout=10_000)
        desk.locator("#n-location").evaluate("e => { e.scrollIntoView(); scrollBy(0, -60); }")
        desk.screenshot(path=str(OUT / "new-case.png"))
        print("  docs/console/new-case.png, with the possible duplicates")
    phone = as_role(browser, base, worker, PHONE)
    shoot(phone, "/console/my", "my-work")


def fill_new_case(page: Page, community: str | None, location: str, description: str) -> None:
    if community:
        page.select_option("#n-community", community)
    page.select_option("#n-category", "elevator")
    page.select_option("#n-priority", "emergency")
    page.fill("#n-description", description)
    page.fill("#n-location", location)


def record(page: Page, community: str | None, location: str, description: str) -> str:
    """A repair recorded at the new-case form; the address of its case page."""
    page.goto("/console/new")
    fill_new_case(page, community, location, description)
    with page.expect_navigation():
        page.locator("form.new-case button[type=submit]").click()
    return page.url.split("?")[0].removeprefix(page.url.split("/console")[0])


def dispatch(page: Page, case: str, worker: str) -> None:
    """The dispatch form of a case page, filled in and sent."""
    page.goto(case)
    page.locator("details[data-command=dispatch] summary").click()
    page.fill("#dispatch-assignee", worker)
    with page.expect_navigation():
        page.locator("form[data-command=dispatch] button[type=submit]").click()


def main() -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit(
            f"no Chromium at {CHROMIUM}: apt-get install --no-install-recommends "
            "chromium fonts-noto-cjk libatomic1"
        )
    with tempfile.TemporaryDirectory(prefix="propdesk-screenshots-") as scratch:
        folder = Path(scratch)
        db, accounts = demo_database(folder)
        with served(db, folder) as base, sync_playwright() as playwright:
            print(f"photographing the console at {base} into {OUT}")
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                photograph(browser, base, accounts)
            finally:
                browser.close()


if __name__ == "__main__":
    main()
