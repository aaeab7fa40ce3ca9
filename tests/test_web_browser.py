"""`reportgen serve` in a real browser: Playwright driving Debian's Chromium (`apt-get install chromium`).

The server is the real command (`reportgen serve --port 0`) in a subprocess. Without Chromium or the
Playwright package these tests are skipped, with the reason; `.ci/run` installs Chromium.
Set REPORTGEN_SCREENSHOT=docs/serve.png to refresh the README's screenshot.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.commands.main import main
from reportgen.proof.verify import verify_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`reportgen serve --port 0` in a subprocess; its printed address."""
    cwd = tmp_path_factory.mktemp("serve")
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", "--port", "0"],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        match = re.search(r"http://\S+", line)
        assert match, f"no address printed: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}"  # type: ignore[union-attr]
        yield match.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(
        accept_downloads=True, locale="en-GB", viewport={"width": 1100, "height": 900}
    )
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.goto(server)
    yield pg
    context.close()
    # CSP violations and script errors would show here; a refused upload (4xx) is an expected answer
    problems = [m for m in problems if not re.search(r"status of 4\d\d", m)]
    assert problems == [], f"the browser reported: {problems}"


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    """The sample workbook, and the other samples copied into workbooks (`template --from`)."""
    d = tmp_path_factory.mktemp("workbooks")
    out = {"acme-assistant-7b.xlsx": SAMPLES / "acme-assistant-7b.xlsx"}
    for name in ("llama-3.1-405b", "mistral-large-2"):
        assert main(["template", "--from", str(SAMPLES / f"{name}.yaml"), str(d / f"{name}.xlsx")]) == 0
        out[f"{name}.xlsx"] = d / f"{name}.xlsx"
    return out


def check(page, path: Path) -> str:
    page.set_input_files("#file", str(path))
    page.click("button[value=check]")
    page.wait_for_selector("#status-text")
    return page.inner_text("#status-text")


@pytest.mark.parametrize(
    "name, status, missing",
    [
        ("acme-assistant-7b.xlsx", "Complete", 0),
        ("llama-3.1-405b.xlsx", "Incomplete — 11 mandatory items missing", 11),
        ("mistral-large-2.xlsx", "Incomplete — 46 mandatory items missing", 46),
    ],
)
def test_each_sample_workbook_shows_status_and_missing_items(page, workbooks, name, status, missing):
    assert check(page, workbooks[name]) == status
    assert page.inner_text("#missing-h").endswith(f"({missing})")
    rows = page.locator("#missing tbody tr")
    assert rows.count() == missing
    if missing:
        cell = rows.first.locator("td.where").inner_text()
        assert re.fullmatch(r"[A-Z]+\d+", cell), cell  # the Value cell to fill
        assert page.locator("#missing h4").first.inner_text().startswith("Sheet “")
    assert page.locator("#result").evaluate(
        "el => el === document.activeElement"
    )  # focus moved to the result


def test_download_pdf_verifies_and_the_verify_tab_says_so(page, workbooks, tmp_path):
    check(page, workbooks["llama-3.1-405b.xlsx"])
    with page.expect_download() as info:
        page.click("#download-pdf")
    download = info.value
    assert re.search(r"-AILD-D1(\.\d+)?\.pdf$", download.suggested_filename)  # the edition the workbook names
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    result = verify_report(pdf, workbooks["llama-3.1-405b.xlsx"])
    assert result.ok, [c for c in result.checks if not c.ok]
    with page.expect_download() as info:
        page.click("#download-zip")
    assert info.value.suggested_filename.endswith(".zip")
    page.click("text=Verify a report")
    page.set_input_files("#report", str(pdf))
    page.set_input_files("#input", str(workbooks["llama-3.1-405b.xlsx"]))
    page.click("button[value=verify]")
    page.wait_for_selector("#status-text")
    assert page.inner_text("#status-text").startswith("Verified: all")
    assert (
        page.locator("table.checks tbody tr.ok").count() == page.locator("table.checks tbody tr").count() >= 5
    )


def test_sample_button_then_french_and_a_broken_file(page, tmp_path):
    page.click("text=Try the sample workbook")
    page.wait_for_selector("#status-text")
    assert page.inner_text("#status-text") == "Complete"
    page.click("[data-lang-switch=fr]")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.inner_text("h1") == "Déclaration environnementale d'un système d'IA"
    broken = tmp_path / "cassé.yaml"
    broken.write_text("training:\n  energy: [1,\n", encoding="utf-8")
    page.set_input_files("#file", str(broken))
    page.click("button[value=check]")
    page.wait_for_selector("#error-message")
    assert page.inner_text("#result-h").endswith("Le fichier n'a pas pu être utilisé")
    assert page.inner_text("#error-message").startswith("cassé.yaml:3:1: not valid YAML")
    assert page.get_attribute("[role=alert]", "class") == "panel bad"


def test_keyboard_alone_and_200_percent_zoom(page, workbooks):
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.set_input_files("#file", str(workbooks["llama-3.1-405b.xlsx"]))
    page.focus("button[value=check]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#status-text")
    page.keyboard.press("Tab")  # from the focused result, on to its first control: the PDF download
    assert page.evaluate("document.activeElement.id") == "download-pdf"
    page.set_viewport_size({"width": 550, "height": 900})  # a 1100 px window at 200 % zoom
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    # status in words and a symbol, not colour alone
    assert page.inner_text("#status").startswith("✘ Status: Incomplete")


def test_screenshot(page, workbooks, tmp_path):
    check(page, workbooks["llama-3.1-405b.xlsx"])
    target = Path(os.environ.get("REPORTGEN_SCREENSHOT") or tmp_path / "serve.png")
    page.set_viewport_size({"width": 1100, "height": 1500})
    page.evaluate("window.scrollTo(0, 0)")  # the form and the start of the result, as a newcomer sees it
    page.screenshot(path=str(target), full_page=False)
    assert target.read_bytes().startswith(b"\x89PNG")
