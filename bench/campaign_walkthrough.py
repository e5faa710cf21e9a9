"""Benchmark: a whole honor campaign through the UI only, counting page loads and clicks per persona (issue 11).

Run: .venv/bin/python bench/campaign_walkthrough.py [--without-bulk] [--show]

A throw-away site (SQLite in a temporary folder, production settings, gunicorn, the task backend run inline) holds
the association's accounts before the campaign starts: one staff member, 5 units with a nominator each and 6
sci-tech worker profiles each, 8 experts (each with a profile in a unit of their own). From there headless Chromium
(/usr/bin/chromium) does everything a person would, in Chinese:
  staff       create the campaign, two criteria, the panel of 8, open it;
  nominators  30 nominations (form with ID photo and three PDFs, three work photos, submit);
  staff       close nominations, the eligibility check of all 30, open the review, run the assignment engine
              (3 experts a nomination), release, look at the review progress;
  experts     score every assigned nomination;
  staff       committee decision (accept the exact proposal), public notice, publication.
The server's clock is moved forward twice (past the nomination deadline, past the notice's end): no person can.
--without-bulk does the eligibility check one nomination at a time on its page (what staff had to do before the
bulk check), for the "before" figure. Prints page loads, clicks (clicks, ticks, choices in a list) and fields typed
per persona, the elapsed time and the load average. Exits 1 when the campaign does not end published with 10
honorees.
"""

import argparse
import datetime
import io
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from _web import GUNICORN, PYTHON, ROOT, free_port, load_average, manage, scratch, site_env, wait_until_up

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
UNITS, PER_UNIT, EXPERTS, HONOREES = 5, 6, 8, 10
PASSWORD = "correct-horse-battery-staple-42"

SETUP = f"""
import django
django.setup()
from allauth.account.models import EmailAddress
from laurel.people.models import Organization, Person, Role, User
from laurel.people.roles import RoleKind

def account(email, name, kind, unit=None):
    user = User.objects.create_user(email=email, password={PASSWORD!r}, full_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if kind:
        Role.objects.create(user=user, kind=kind, organization=unit)
    return user

account("staff@bench.example", "周雅", RoleKind.STAFF)
surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏"
for index in range({UNITS}):
    unit = Organization.objects.create(name=f"云州第{{index + 1}}研究院")
    account(f"nominator{{index}}@bench.example", f"推荐人{{index + 1}}", RoleKind.NOMINATOR, unit)
    for number in range({PER_UNIT}):
        Person.objects.create(
            name=surnames[index * {PER_UNIT} + number] + "科研", gender="female" if number % 2 else "male",
            organization=unit, position="研究员", field="材料科学", date_of_birth="1980-05-01",
        )
for index in range({EXPERTS}):
    home = Organization.objects.create(name=f"评审专家单位{{index + 1}}")
    user = account(f"expert{{index}}@bench.example", f"专家{{index + 1}}", RoleKind.EXPERT)
    Person.objects.create(name=f"专家{{index + 1}}", gender="male", organization=home, user=user)
"""


def phase(text: str) -> None:
    """A line on stderr while it runs (the figures come at the end, on stdout)."""
    print(f"{time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


class Persona:
    """One person's browser tab, counting what they do."""

    def __init__(self, browser, base: str, name: str, counts: Counter):
        self.context = browser.new_context(base_url=base, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.name, self.counts = name, counts
        self.page.on("load", lambda _page: counts.update({(name, "page loads"): 1}))
        self.page.on("dialog", lambda dialog: dialog.accept())  # "This cannot be undone. Go ahead?": yes

    def goto(self, url: str):
        self.page.goto(url)

    def click(self, selector: str, *, navigates: bool = True):
        self.counts[(self.name, "clicks")] += 1
        if navigates:
            with self.page.expect_navigation():
                self.page.click(selector)
        else:
            self.page.click(selector)

    def check(self, selector: str):
        self.counts[(self.name, "clicks")] += 1
        self.page.check(selector)

    def select(self, selector: str, value: str):
        self.counts[(self.name, "clicks")] += 1
        self.page.select_option(selector, value)

    def fill(self, selector: str, value: str):
        self.counts[(self.name, "fields typed")] += 1
        self.page.fill(selector, value)

    def upload(self, selector: str, path: str):
        self.counts[(self.name, "files chosen")] += 1
        self.page.set_input_files(selector, path)

    def login(self, email: str):
        self.goto("/accounts/login/")
        self.fill("input[name=login]", email)
        self.fill("input[name=password]", PASSWORD)
        self.click("form[action$='/accounts/login/'] button[type=submit]")

    def messages(self) -> str:
        box = self.page.locator(".messages")
        return box.inner_text() if box.count() else ""

    def close(self):
        self.context.close()


def files(folder: Path) -> dict[str, str]:
    from PIL import Image
    from pypdf import PdfWriter

    made = {}
    for name, color in (("id.jpg", "red"), ("work0.jpg", "blue"), ("work1.jpg", "green"), ("work2.jpg", "gray")):
        Image.new("RGB", (300, 420), color).save(folder / name, "JPEG")
        made[name] = str(folder / name)
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    (folder / "document.pdf").write_bytes(buffer.getvalue())
    made["pdf"] = str(folder / "document.pdf")
    return made


def local(days: float, clock_days: float) -> str:
    """A datetime-local input's value `days` from the server's now (Asia/Shanghai, the site's zone)."""
    from zoneinfo import ZoneInfo

    moment = datetime.datetime.now(ZoneInfo("Asia/Shanghai")) + datetime.timedelta(days=days + clock_days)
    return moment.strftime("%Y-%m-%dT%H:%M")


def move(staff: Persona, code: str, stage: str) -> str:
    """Move the campaign on from its page; the stage it shows afterwards (a refused move says why)."""
    staff.goto(f"/campaigns/{code}/")
    staff.click(f"form:has(input[name=to][value={stage}]) button")
    shown = staff.page.locator("[data-testid=stage]").inner_text()
    if (problem := staff.messages()) and "error" in (staff.page.locator(".messages").get_attribute("class") or ""):
        print(f"moving to {stage}: {problem}", file=sys.stderr)
    return shown


def walkthrough(base: str, folder: Path, clock_file: Path, *, bulk: bool, show: bool) -> tuple[Counter, dict]:
    from playwright.sync_api import sync_playwright

    counts: Counter = Counter()
    made = files(folder)
    figures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=not show)
        staff = Persona(browser, base, "staff", counts)
        staff.login("staff@bench.example")

        # Setup: the campaign, its criteria, its panel; then open it.
        phase("staff: setup")
        staff.goto("/campaigns/new/")
        staff.fill("input[name=series]", "most-beautiful")
        staff.fill("input[name=name]", "2026年最美科技工作者")
        staff.fill("input[name=edition]", "2026")
        staff.fill("input[name=honorees_count]", str(HONOREES))
        staff.fill("input[name=default_quota]", str(PER_UNIT))
        staff.fill("input[name=experts_per_nomination]", "3")
        staff.fill("input[name=expert_load_cap]", "15")
        staff.fill("input[name=nomination_deadline]", local(1, 0))
        staff.fill("input[name=review_deadline]", local(6, 0))
        staff.click("main form button[type=submit]")
        code = staff.page.url.rstrip("/").rsplit("/", 1)[-1]
        if not code or "new" in code:
            raise SystemExit("The campaign was not created: " + staff.page.locator("main").inner_text()[:800])
        for name, weight in (("事迹", "60"), ("影响", "40")):
            staff.fill("form[action$='/criteria/'] input[name=name]", name)
            staff.fill("form[action$='/criteria/'] input[name=weight]", weight)
            staff.click("form[action$='/criteria/'] button")
        for index in range(EXPERTS):
            staff.fill("form[action$='/panel/'] input[name=email]", f"expert{index}@bench.example")
            staff.click("form[action$='/panel/'] button")
        staff.click("form:has(input[name=to][value=open]) button")

        # Nominations: each unit's nominator puts forward its six people.
        phase("nominators: 30 nominations")
        for unit in range(UNITS):
            nominator = Persona(browser, base, "nominators", counts)
            nominator.login(f"nominator{unit}@bench.example")
            for number in range(PER_UNIT):
                nominator.goto(f"/campaigns/{code}/")
                nominator.click(f"a[href='/campaigns/{code}/nominate/']")
                options = nominator.page.locator("select[name=person] option[value]:not([value=''])")
                nominator.select("select[name=person]", options.nth(number).get_attribute("value"))
                nominator.select("select[name=category]", "front_line")
                nominator.fill("textarea[name=story]", "扎根科研一线二十年，带领团队攻克关键材料技术难题。")
                nominator.fill("input[name=years_in_city]", "12")
                nominator.upload("input[name=id_photo]", made["id.jpg"])
                for name in ("evidence", "unit_opinion", "integrity_certificate"):
                    nominator.upload(f"input[name={name}]", made["pdf"])
                nominator.check("input[name=consent]")
                nominator.click("main form button[type=submit]")
                if "/campaigns/nominations/" not in nominator.page.url:
                    raise SystemExit("The nomination form was refused: " + nominator.page.locator("main").inner_text())
                for index in range(3):
                    nominator.upload("input[name=image]", made[f"work{index}.jpg"])
                    nominator.click("form[action$='/photos/'] button")
                nominator.click("form[action$='/submit/'] button")
                status = nominator.page.locator("[data-testid=status]").inner_text()
                if status != "已提交":
                    raise SystemExit(f"A nomination was not submitted ({status}): {nominator.messages()}")
            nominator.close()

        # The nomination deadline passes.
        phase("staff: eligibility check")
        clock_file.write_text("2")
        move(staff, code, "eligibility")
        if bulk:
            staff.goto(f"/campaigns/{code}/nominations/?status=submitted")
            staff.check("[data-testid=tick-all]")
            staff.select("#bulk-outcome", "pass")
            staff.click("[data-testid=bulk-check]")
        else:
            staff.goto(f"/campaigns/{code}/nominations/?status=submitted")
            links = staff.page.locator("tbody td a").evaluate_all(
                "links => links.map(link => link.getAttribute('href'))"
            )
            for href in links:
                staff.click(f"tbody a[href='{href}']")
                staff.select("form[action$='/check/'] select[name=outcome]", "pass")
                staff.click("form[action$='/check/'] button[type=submit]")
                # Back to the list for the next one: the browser's back button, a click like any other.
                staff.counts[("staff", "clicks")] += 1
                staff.goto(f"/campaigns/{code}/nominations/?status=submitted")
        move(staff, code, "review")

        # Assignment: the engine's proposal, released to the experts.
        phase("staff: assignment")
        staff.goto(f"/campaigns/{code}/assignment/")
        staff.click("[data-testid=run-form] button[type=submit]")
        staff.page.wait_for_selector("form[action$='/assignment/release/'] button", timeout=120_000)
        staff.click("form[action$='/assignment/release/'] button")
        figures["released"] = staff.messages()

        # Experts score what they were given.
        phase("experts: reviews")
        for index in range(EXPERTS):
            expert = Persona(browser, base, "experts", counts)
            expert.login(f"expert{index}@bench.example")
            expert.goto("/campaigns/reviews/")
            while True:
                waiting = expert.page.locator("main tbody tr:not(:has-text('已评分')) a[href*='/review/']")
                if not waiting.count():
                    break
                expert.click(f"main a[href='{waiting.first.get_attribute('href')}']")
                for score in expert.page.locator("input[name^=score_]").all():
                    expert.counts[(expert.name, "fields typed")] += 1
                    score.fill("85")
                expert.fill("textarea[name=comment]", "事迹突出，影响广泛。")
                expert.click("main form[method=post] button[type=submit] >> nth=0")
                expert.goto("/campaigns/reviews/")
            expert.close()

        staff.goto(f"/campaigns/{code}/progress/")
        move(staff, code, "committee")
        staff.goto(f"/campaigns/{code}/ranking/")
        staff.click("form[action$='/ranking/accept/'] button")
        move(staff, code, "notice")
        # Five working days of public notice pass without an objection.
        phase("staff: publication")
        clock_file.write_text("12")
        figures["stage"] = move(staff, code, "published")
        figures["code"] = code
        # The paperwork after the fact (not counted as clicks): all 30 forms as one ZIP, every field as an XLSX.
        for name, path in (
            ("forms ZIP", f"/campaigns/{code}/forms.zip"),
            ("XLSX", f"/campaigns/{code}/nominations.xlsx"),
        ):
            began = time.monotonic()
            response = staff.page.request.get(path, timeout=600_000)
            figures[name] = f"{name} {len(response.body()) / 1024:.0f} KiB in {time.monotonic() - began:.1f} s"
        browser.close()
    return counts, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without-bulk", action="store_true", help="the eligibility check one nomination at a time")
    parser.add_argument("--show", action="store_true", help="a visible browser window")
    arguments = parser.parse_args()
    with scratch("laurel-walkthrough-") as folder:
        folder = Path(folder)
        clock_file = folder / "clock"
        clock_file.write_text("0")
        env = site_env(
            str(folder / "data"), LAUREL_TASKS_BACKEND="immediate", LAUREL_BENCH_CLOCK_FILE=str(clock_file),
            LAUREL_DATABASE_URL=f"sqlite:///{folder / 'data' / 'walkthrough.sqlite3'}",
        )  # fmt: skip
        (folder / "data").mkdir()
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--noinput")
        subprocess.run(
            [PYTHON, "-c", SETUP], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "laurel.settings"}, check=True
        )
        port = free_port()
        server = subprocess.Popen(
            [GUNICORN, "bench._clock_wsgi:application", "-w", "3", "-k", "sync", "-t", "300", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base + "/bench/hello/")
            started = time.monotonic()
            counts, figures = walkthrough(
                base, folder, clock_file, bulk=not arguments.without_bulk, show=arguments.show
            )
            elapsed = time.monotonic() - started
        finally:
            import signal

            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        honorees = subprocess.run(
            [PYTHON, "-c", "import django; django.setup(); from laurel.honors.models import Nomination; "
             f"print(Nomination.objects.filter(campaign__code={figures['code']!r}, status='selected').count())"],
            cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "laurel.settings"}, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    mode = "without the bulk check" if arguments.without_bulk else "with the bulk check"
    print(f"Campaign walkthrough ({UNITS * PER_UNIT} nominations, {UNITS} units, {EXPERTS} experts), {mode}")
    print(f"{'persona':<12} {'page loads':>11} {'clicks':>7} {'fields typed':>13} {'files chosen':>13}")
    for persona in ("staff", "nominators", "experts"):
        row = [counts[(persona, what)] for what in ("page loads", "clicks", "fields typed", "files chosen")]
        print(f"{persona:<12} {row[0]:>11} {row[1]:>7} {row[2]:>13} {row[3]:>13}")
    print(f"final stage: {figures['stage']}; honorees published: {honorees}; {figures.get('released', '')}")
    print(f"{figures['forms ZIP']} (30 nomination forms); {figures['XLSX']}")
    print(f"elapsed {elapsed:.0f} s; {load_average()}")
    return 0 if figures["stage"] == "已发布" and honorees == str(HONOREES) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
