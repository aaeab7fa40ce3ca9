"""Shared fixtures: the standard, the samples, and a small complete disclosure to mutate in tests."""

from __future__ import annotations

import contextlib
import copy
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from reportgen import evaluate_file, evaluate_mapping, load_standard

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
# The normative texts live with the edition they define (issue 11, item 4): a clone needs nothing beside it.
EDITION_D1 = ROOT / "standard" / "aild-d1"
EDITION_D11 = ROOT / "standard" / "aild-d1.1"
SPEC = EDITION_D1 / "SPEC.md"
AMENDMENT_1 = EDITION_D11 / "AMENDMENT-1.md"  # D1.1 = D1 + this text (standard/aild-d1.1/amendment.yaml)


# The files that take longest, longest first (measured with `--durations`): `make test` runs each file whole
# on one worker (`--dist loadfile`) in collection order (pytest_configure), so these start first and the
# short files fill in around them, instead of a long file starting last and running alone.
LONGEST_FIRST = (
    "test_workbook_live.py",
    "test_pdf_page1.py",
    "test_web_api.py",
    "test_verify_hardening.py",
    "test_web_browser.py",
    "test_xlsx_calculations.py",
    "test_verify.py",
    "test_render_hardening.py",
    "test_fuzz.py",
    "test_render_many.py",
    "test_pdf_archive.py",
    "test_render_baseline.py",
    "test_portfolio.py",
    "test_activity_sample.py",
    "test_activity_findings.py",
    "test_pdf_document.py",
    "test_render_pdf.py",
)


def pytest_configure(config: pytest.Config) -> None:
    """Under `--dist loadfile`, pytest-xdist hands the files out in collection order, not sorted by their
    number of tests (its default), so that LONGEST_FIRST holds however the suite is started."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


@pytest.fixture(scope="session")
def std():
    """The latest edition (D1.1), the one a disclosure without a `standard` key is evaluated under."""
    return load_standard()


@pytest.fixture(scope="session")
def std_d1():
    return load_standard("D1")


@pytest.fixture(scope="session")
def acme_tree() -> dict[str, Any]:
    with (SAMPLES / "acme-assistant-7b.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture
def acme(acme_tree) -> dict[str, Any]:
    """A deep copy of the complete acme sample, free to mutate."""
    return copy.deepcopy(acme_tree)


def shorter(tree: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """A complete disclosure's tree cut to its training and inference (the other phases but `keep`
    excluded, with a justification, gate to gate): acme stays complete, its report 9 pages instead of 13
    and laid out in half the time. For the tests of a special text or key, where the report's size is not
    the point."""
    tree = copy.deepcopy(tree)
    tree["boundary"]["lca_scope"] = "gate_to_gate"
    for phase in {"hardware", "data", "finetuning", "storage_network", "end_of_life"} - set(keep):
        tree["boundary"]["phases"][phase] = "excluded"
        tree["boundary"].setdefault("justifications", {})[phase] = "Not part of this example"
        tree.pop(phase, None)
    return tree


def shorter_text(path: Path) -> str:
    """`shorter` of the YAML disclosure at `path`, as YAML text (one line per value, for text edits)."""
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    return yaml.safe_dump(shorter(tree), allow_unicode=True, sort_keys=False, width=10_000)


def codes(ev) -> list[str]:
    return [f.code for f in ev.findings]


def finding(ev, code: str, field: str | None = None):
    hits = [f for f in ev.findings if f.code == code and (field is None or f.field == field)]
    assert hits, f"no {code} for {field}; got {[(f.code, f.field) for f in ev.findings]}"
    return hits[0]


def run(tree: dict[str, Any], **kw):
    return evaluate_mapping(tree, **kw)


def pdf_pages(pdf: bytes | Path) -> list[str]:
    """The text of each page as `verify` reads it (PDFium): 0.05 s for the 13 pages of the acme report,
    where pypdf's extractor takes 1.3 s, and the same text once whitespace is set aside."""
    from reportgen.proof.pdf_text import page_texts

    return page_texts(pdf.read_bytes() if isinstance(pdf, Path) else pdf)


@dataclass(frozen=True)
class SampleReports:
    """What `reportgen render SAMPLE --lang LANG` wrote, and the sample's Evaluation in that language."""

    ev: Any
    pdf: Path  # shared by every test of the run (and every xdist worker): copy it before editing
    xlsx: Path
    code: int  # render's exit code: 0 complete, 1 incomplete

    @property
    def pdf_bytes(self) -> bytes:
        return self.pdf.read_bytes()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` between the processes of one run (pytest-xdist workers)."""
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def shared_dir(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder of this run that every pytest-xdist worker sees (the parent of the workers' own temporary
    folders), so that work done once serves them all; the run's own folder without xdist."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / name
    folder.mkdir(exist_ok=True)
    return folder


def run_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """The folder in which `make(folder)` ran, once for the whole run: the first process (xdist worker) to
    ask runs it under a lock, the others wait and read what it wrote. Tests must not edit its files."""
    shared = shared_dir(tmp_path_factory, "once")
    folder = shared / name
    with _locked(shared / f"{name}.lock"):
        if not (folder / ".done").exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir()
            make(folder)
            (folder / ".done").touch()
    return folder


@pytest.fixture(scope="session")
def sample_reports(tmp_path_factory) -> Callable[..., SampleReports]:
    """sample_reports(name, lang) renders a sample through the CLI once per run and returns its reports:
    WeasyPrint takes seconds a PDF, and a dozen modules read the same sample reports."""
    from reportgen.commands.main import main

    cache: dict[tuple[str, str], SampleReports] = {}

    def render(name: str, lang: str, folder: Path) -> None:
        code = main(["render", str(SAMPLES / name), "-o", str(folder / "out"), "--lang", lang])
        assert code in (0, 1), f"render {name} --lang {lang}: exit {code}"
        (folder / "exit-code").write_text(str(code))

    def get(name: str = "acme-assistant-7b.yaml", lang: str = "en") -> SampleReports:
        if (name, lang) not in cache:
            folder = run_once(tmp_path_factory, f"{Path(name).stem}-{lang}", lambda f: render(name, lang, f))
            cache[name, lang] = SampleReports(
                evaluate_file(SAMPLES / name, lang=lang),
                next((folder / "out").glob("*.pdf")),
                next((folder / "out").glob("*.xlsx")),
                int((folder / "exit-code").read_text()),
            )
        return cache[name, lang]

    return get


@pytest.fixture(scope="session")
def baseline_reports(tmp_path_factory) -> tuple[Path, list[Path]]:
    """`render CURRENT --baseline acme` through the CLI, once per run (test_render_baseline and
    test_pdf_archive read it): CURRENT is acme with the inference grid intensity halved, so the reports carry
    the change part (its tables and chart) and the comparison. The input and the PDF and workbook written;
    tests must not edit them."""
    from reportgen.commands.main import main

    def render(folder: Path) -> None:
        with (SAMPLES / "acme-assistant-7b.yaml").open(encoding="utf-8") as fh:
            tree = yaml.safe_load(fh)
        tree["inference"]["grid_intensity"]["value"] = 28
        current = folder / "current.yaml"
        current.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
        code = main(
            [
                "render",
                str(current),
                "--baseline",
                str(SAMPLES / "acme-assistant-7b.yaml"),
                "-o",
                str(folder / "out"),
            ]
        )
        assert code == 0, f"render --baseline: exit {code}"

    folder = run_once(tmp_path_factory, "baseline", render)
    return folder / "current.yaml", sorted((folder / "out").iterdir())


@pytest.fixture(scope="session")
def std11():
    """Edition D1.1 (D1 + Amendment 1, with Annex D)."""
    return load_standard("D1.1")


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NO_SOFFICE = (
    "LibreOffice (soffice) is not installed: `apt-get install libreoffice-calc` to recalculate workbooks"
)


def recalculate(paths: list[Path], outdir: Path) -> dict[Path, Path]:
    """Open each workbook in LibreOffice headless, which recalculates every formula on load, and save it
    as .xlsx with the results cached: the way to test that workbook formulas compute what reportgen does.
    One soffice process for all files, with a profile of its own (another soffice running is not used)."""
    import subprocess

    outdir.mkdir(parents=True, exist_ok=True)
    profile = (outdir / "profile").resolve().as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    out = {p: outdir / p.name for p in paths}
    missing = [p for p, q in out.items() if not q.exists()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return out


# -- the web page's API (tests/test_web_*.py) ---------------------------------------------------------------
WEB_BASE_URL = "http://127.0.0.1:8765"


@pytest.fixture
def tmp_root(tmp_path):
    """The server's folder for uploads; every request must leave it empty."""
    d = tmp_path / "uploads"
    d.mkdir()
    return d


@pytest.fixture
def client(tmp_root):
    """A TestClient of `reportgen serve`'s app (skipped without starlette/httpx)."""
    pytest.importorskip("starlette")
    pytest.importorskip("httpx")
    from starlette.testclient import TestClient

    from reportgen.web.app import create_app

    with TestClient(create_app(tmp_root=tmp_root), base_url=WEB_BASE_URL) as c:
        yield c
    assert list(tmp_root.iterdir()) == [], "a request left its temporary folder behind"


@pytest.fixture
def edited_editions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Path]]:
    """`edit(replacements, files="**/*.yaml")`: the shipped editions copied, each replacement made in the
    matching data files, and `load_standard` pointed at the copy for this test (caches cleared both ways)."""
    from reportgen.standard import editions as editions_module
    from reportgen.standard import model as standard_module

    def clear() -> None:
        standard_module.load_standard.cache_clear()
        editions_module.shipped_editions.cache_clear()

    def edit(replacements: dict[str, str], files: str = "**/*.yaml") -> Path:
        root = tmp_path / "standard"
        shutil.copytree(load_standard("D1").directory.parent, root)
        for path in root.glob(files):
            text = path.read_text(encoding="utf-8")
            for old, new in replacements.items():
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        monkeypatch.setattr(editions_module, "editions_root", lambda: root)
        clear()
        return root

    yield edit
    clear()
