"""The French edition (issue 13, item 3): numbers in messages and findings per locale, enumeration labels
and severities translated, "article" throughout, "1er juillet", elision, the report's language named in
itself."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from reportgen import evaluate_mapping
from reportgen.commands.main import main
from reportgen.presentation import fmt
from reportgen.presentation.text import evaluation_text
from reportgen.presentation.view import build_view
from reportgen.resources import strings


@pytest.fixture(scope="module")
def faulty(acme_tree):
    """Acme with a PUE below 1, a grid intensity out of range, a GHG figure off its energy × intensity,
    an implausible power per accelerator, a withheld figure and values of an excluded phase."""
    tree = copy.deepcopy(acme_tree)
    tree["finetuning"]["pue"] = 0.9
    tree["inference"]["grid_intensity"] = 2000
    tree["training"]["ghg_location"] = {"value": 9000.5, "method": "measured", "source": "meter"}
    tree["training"]["energy"] = {"value": 13_455_600, "method": "measured", "source": "meter"}
    tree["hardware"]["ghg"] = {"withheld": "confidential", "note": "supplier contract"}
    tree["boundary"]["phases"]["end_of_life"] = "excluded"
    tree["boundary"].setdefault("justifications", {})["end_of_life"] = "not tracked"
    return {lang: evaluate_mapping(tree, lang=lang) for lang in ("en", "fr")}


def by_code(ev, code):
    return [f for f in ev.findings if f.code == code]


def test_numbers_in_french_findings_are_written_the_french_way(faulty):
    fr = faulty["fr"]
    assert "vaut 0,9 ;" in by_code(fr, "E-RNG-1")[0].message
    assert "vaut 2\u202f000 gCO2e/kWh, hors de 0–1\u202f500" in by_code(fr, "E-RNG-3")[0].message
    [power] = by_code(fr, "W-RNG-5")
    assert "impliquent 93\u202f114 W par accélérateur, hors de 50–2\u202f000 W" in power.message
    [calc] = by_code(fr, "W-CALC-1")
    assert "vaut 9\u202f000,5 kgCO2e" in calc.message and "écart de" in calc.message
    assert re.search(r"\d,\d %", calc.message)  # the gap: a decimal comma
    en = faulty["en"]
    assert "imply 93,114 W per accelerator" in by_code(en, "W-RNG-5")[0].message
    assert "is 9,000.5 kgCO2e" in by_code(en, "W-CALC-1")[0].message


def test_enumerations_and_phases_are_named_by_their_labels(faulty):
    fr = faulty["fr"]
    [withheld] = by_code(fr, "W-WITHHELD")
    assert "(Confidentiel)" in withheld.message and "confidential" not in withheld.message
    bnd = by_code(fr, "W-BND-1")[0]
    assert "la phase « Fin de vie » est déclarée « Exclu »" in bnd.message
    assert "end_of_life est" not in bnd.message


def test_severities_are_translated_in_check_text(faulty):
    text = evaluation_text(faulty["fr"])
    assert "  ERREUR " in text and "  AVERTISSEMENT " in text
    assert "ERROR" not in text and "WARNING" not in text
    assert "  ERROR   E-RNG-1 " in evaluation_text(faulty["en"])  # English unchanged


def test_french_says_article_never_clause():
    french = [v["fr"] for v in strings().values() if isinstance(v, dict) and "fr" in v]
    french = [x for v in french for x in (v if isinstance(v, list) else [v])]  # paragraphs are lists
    assert [x for x in french if re.search(r"\bclauses?\b", re.sub(r"\{clause\}", "", x), re.I)] == []
    from reportgen.standard import load_standard

    std = load_standard()
    texts = [f.help.fr for f in std.fields.values() if f.help] + [
        x.fr for spec in std.findings.values() for x in (spec.message, spec.fix)
    ]
    assert [x for x in texts if re.search(r"\bclauses?\b", x, re.I)] == []


def test_derived_inputs_say_by_which_article(acme_tree):
    ev = evaluate_mapping(acme_tree, lang="fr")
    sources = {
        i.source for v in ev.values.values() if v.trace for i in v.trace.inputs if i.origin == "derived"
    }
    assert "calculé selon l'article 8.1" in sources and not any("derived" in (s or "") for s in sources)


def test_dates_elision_and_the_report_language(acme_tree):
    assert fmt.long_date(dt.date(2025, 7, 1), "fr") == "1er juillet 2025"
    assert fmt.long_date(dt.date(2025, 7, 11), "fr") == "11 juillet 2025"
    assert fmt.long_date(dt.date(2025, 7, 1), "en") == "1 July 2025"
    assert fmt.fill("le rapport de {x} et de {y}", {"x": "Acme", "y": "Le Chat"}, "fr") == (
        "le rapport d'Acme et de Le Chat"
    )
    assert fmt.fill("report of {x}", {"x": "Acme"}, "en") == "report of Acme"
    view = build_view(evaluate_mapping(acme_tree, lang="fr"))
    facts = {f["label"]: f["value"] for f in view["identification"]["facts"]}
    assert facts["Période de déclaration"] == "du 1er juillet 2025 au 30 juin 2026"
    assert facts["Langue de ce rapport"] == "Français"
    assert view["meta"]["document"]["subject"].startswith(
        "Déclaration environnementale du cycle de vie d'Acme"
    )
    en = build_view(evaluate_mapping(acme_tree, lang="en"))
    assert {f["label"]: f["value"] for f in en["identification"]["facts"]}[
        "Language of this report"
    ] == "English"


def test_check_in_french_through_the_cli(tmp_path, capsys, acme_tree):
    import yaml

    tree = copy.deepcopy(acme_tree)
    tree["finetuning"]["pue"] = 0.9
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    assert main(["check", str(path), "--lang", "fr"]) == 1
    out = capsys.readouterr().out
    assert "ERREUR" in out and "vaut 0,9 ;" in out and "0.9" not in out
