"""The edition digest covers the normative content of an edition (standard/digests.yaml), so that a
wording fix in the edition leaves every earlier report verifying, while a change to what results depend
on makes `verify` say the edition changed; digests written by earlier versions stay known."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.commands.main import main
from reportgen.proof import edition
from reportgen.proof import payload as embed
from reportgen.standard import editions as editions_module
from reportgen.standard import load_standard
from reportgen.standard import model as standard_module
from tests.conftest import shorter_text

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "samples" / "acme-assistant-7b.yaml"  # edition D1.1, which rests on D1's files too
ACME_D1 = ROOT / "samples" / "acme-assistant-7b-d1.yaml"


def run(capsys, *argv: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, err
    return code, out, err


def _clear() -> None:
    for cached in (
        standard_module.load_standard,
        editions_module.shipped_editions,
        edition.edition_digest,
        edition.registry,
    ):
        cached.cache_clear()


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch) -> Iterator[Path]:
    """A copy of the shipped `standard/` folder that reportgen then ships instead, edited by the test."""
    root = Path(shutil.copytree(editions_module.editions_root(), tmp_path / "standard"))
    monkeypatch.setattr(editions_module, "editions_root", lambda: root)
    _clear()
    yield root
    monkeypatch.undo()
    _clear()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _digests() -> dict[str, str]:
    return {name: edition.edition_digest(d) for name, d in editions_module.shipped_editions().items()}


def test_the_shipped_normative_content_is_a_known_digest():
    """A change to what results depend on must be a conscious entry in standard/digests.yaml (or a new
    edition): then the reports made before it keep verifying, and the new digest is named."""
    for name, d in editions_module.shipped_editions().items():
        digest = edition.edition_digest(d)
        assert digest in edition.known_digests(name), (
            f"the normative content of {name} changed ({digest}): if results are unchanged (the golden "
            "reports verify), add it to `known` in standard/digests.yaml with a note; otherwise make a "
            "new edition"
        )


def test_known_digests_are_well_formed_and_never_shared_between_editions():
    seen: dict[str, str] = {}
    for name, entries in edition.registry()["known"].items():
        assert name in editions_module.shipped_editions()
        for e in entries:
            assert e["digest"].startswith("sha256:") and len(e["digest"]) == 71 and e["note"]
            assert seen.setdefault(e["digest"], name) == name


def test_wording_layout_and_informative_files_do_not_count(shipped_copy):
    before = _digests()
    d1, d11 = shipped_copy / "aild-d1", shipped_copy / "aild-d1.1"
    _edit(
        d1 / "fields.yaml",
        "label: {en: Reporting period start,",
        "label: {en: Start of the reporting period,",
    )
    _edit(d1 / "findings.yaml", "is mandatory and missing{why}.", "is mandatory but missing{why}.")
    _edit(d1 / "calculations.yaml", "énergie = heures-accélérateur", "énergie = les heures-accélérateur")
    _edit(d1 / "rules.yaml", "\n", "\n# a comment\n")  # comments and layout
    _edit(d1 / "units.txt", "kJ = 1e3 * joule", "kJ   =   1e3 * joule   # kilojoule")
    for f in d1.glob("*.yaml"):  # the same files checked out with Windows line ends
        f.write_bytes(f.read_bytes().replace(b"\n", b"\r\n"))
    _edit(d1 / "SPEC.md", "AILD", "A.I.L.D.")  # the text: tied to the encoding by the tests, not here
    _edit(d1 / "crosswalk.yaml", "training time", "training duration")  # Annex C, informative
    (d11 / "notes.txt").write_text("one more file\n")
    _clear()
    assert _digests() == before


@pytest.mark.parametrize(
    "file, old, new",
    [
        ("aild-d1/rules.yaml", "below: 0, above: 1500", "below: 0, above: 1600"),  # a range
        ("aild-d1/calculations.yaml", "hours_per_year: 8760", "hours_per_year: 8784"),  # a constant
        ("aild-d1/fields.yaml", "obligation: R", "obligation: O"),  # an obligation
        ("aild-d1/units.txt", "kJ = 1e3 * joule", "kJ = 1e4 * joule"),  # a unit
        ("aild-d1/standard.yaml", "energy_scope: boundary.energy_scope", "energy_scope: boundary.lca_scope"),
    ],
)
def test_a_normative_change_changes_the_digest_of_the_edition_and_of_those_resting_on_it(
    shipped_copy, file, old, new
):
    before = _digests()
    _edit(shipped_copy / file, old, new)
    _clear()
    after = _digests()
    assert after["AILD D1"] != before["AILD D1"] and after["AILD D1.1"] != before["AILD D1.1"]


def test_a_change_to_the_amendment_changes_only_the_amended_edition(shipped_copy):
    before = _digests()
    _edit(
        shipped_copy / "aild-d1.1" / "activity.yaml", "agreement_tolerance: 0.05", "agreement_tolerance: 0.1"
    )
    _clear()
    after = _digests()
    assert after["AILD D1"] == before["AILD D1"] and after["AILD D1.1"] != before["AILD D1.1"]


@pytest.mark.parametrize("sample", [ACME, ACME_D1], ids=["D1.1", "D1"])
def test_a_wording_fix_in_the_edition_leaves_a_report_made_before_it_verifying(
    sample, sample_reports, tmp_path_factory, monkeypatch, capsys
):
    """Through the CLI: reports made with the shipped edition (`render SAMPLE`, once per run), then a
    reportgen whose edition has other labels, messages, help and formula texts (en and fr) verifies them:
    exit 0, edition ok."""
    made = sample_reports(sample.name)
    root = Path(shutil.copytree(editions_module.editions_root(), tmp_path_factory.mktemp("ed") / "standard"))
    d1 = root / "aild-d1"
    # labels the reports print beside checked figures: a traced figure and input, an indicator (totals,
    # functional units, data quality, the workbook's summary) and a phase
    for file, old, new in (
        (
            "fields.yaml",
            "{en: Training energy, fr: Énergie de l'entraînement}",
            "{en: Energy of training, fr: Énergie d'entraînement}",
        ),
        (
            "standard.yaml",
            "{en: Energy consumption, fr: Consommation d'énergie}",
            "{en: Energy used, fr: Énergie consommée}",
        ),
        (
            "standard.yaml",
            "{en: Training, fr: Entraînement}",
            "{en: Model training, fr: Entraînement du modèle}",
        ),
        ("fields.yaml", "fr: Début de la période de déclaration}", "fr: Début de période}"),
    ):
        _edit(d1 / file, old, new)
    _edit(d1 / "findings.yaml", "is mandatory and missing{why}.", "is mandatory but missing{why}.")
    _edit(
        d1 / "calculations.yaml",
        "ghg_location = energy × grid_intensity",
        "ghg_location = energy × intensity",
    )
    _edit(root / "aild-d1.1" / "amendment.yaml", "Declaring the edition", "Naming the edition")
    monkeypatch.setattr(editions_module, "editions_root", lambda: root)
    _clear()
    try:
        for report in (made.pdf, made.xlsx):
            code, out, _ = run(capsys, "verify", report, sample)
            assert code == 0 and "ok    edition: the report was evaluated with the AILD" in out, out
    finally:
        monkeypatch.undo()
        _clear()


def test_a_report_made_with_another_normative_content_fails_naming_the_edition(tmp_path, monkeypatch, capsys):
    """Through the CLI: a report made by a reportgen whose D1 differs in a rule (a modified copy) does not
    verify with the shipped one: exit 1, the edition check says so and names both digests."""
    root = Path(shutil.copytree(editions_module.editions_root(), tmp_path / "standard"))
    _edit(root / "aild-d1" / "rules.yaml", "below: 0, above: 1500", "below: 0, above: 1600")
    source = tmp_path / "acme-d1.yaml"  # complete, under D1, with half acme's pages to lay out
    source.write_text(shorter_text(ACME_D1), encoding="utf-8")
    monkeypatch.setattr(editions_module, "editions_root", lambda: root)
    _clear()
    try:
        assert run(capsys, "render", source, "-o", tmp_path / "out")[0] == 0
        forged = edition.edition_digest(root / "aild-d1")
    finally:
        monkeypatch.undo()
        _clear()
    shipped = edition.edition_digest(load_standard("D1").directory)
    assert forged != shipped
    for report in sorted((tmp_path / "out").iterdir()):
        code, out, _ = run(capsys, "verify", report, source)
        assert (
            code == 1 and "FAIL  edition: the report was evaluated with another encoding of AILD D1 " in out
        )
        assert "not one an earlier reportgen shipped" in out
        assert f"edition_digest: expected {shipped}, found {forged}" in out
        assert "NOT VERIFIED: 1 of" in out  # its figures agree: only the edition differs


def test_a_digest_an_earlier_reportgen_wrote_verifies_and_says_which(sample_reports, tmp_path, capsys):
    """The whole-folder digests of the development builds before normative digests are known: a report
    that names one (with the normative content of today) verifies, and the check names what wrote it."""
    from pypdf import PdfWriter

    pdf = sample_reports(ACME.name).pdf
    data = json.loads(PdfReader(pdf).attachments[embed.ATTACHMENT_NAME][0])
    legacy, note = next((d, n) for d, n in edition.known_digests("AILD D1.1").items() if "27ff6f1" in n)
    data["edition_digest"] = legacy
    writer = PdfWriter()
    writer.append(PdfReader(pdf))
    writer.add_attachment(embed.ATTACHMENT_NAME, json.dumps(data).encode())
    with open(tmp_path / "earlier.pdf", "wb") as fh:
        writer.write(fh)
    code, out, _ = run(capsys, "verify", tmp_path / "earlier.pdf")
    assert (
        code == 0
        and f"ok    edition: the report was evaluated with the AILD D1.1 of an earlier reportgen ({note})"
        in out
    )
