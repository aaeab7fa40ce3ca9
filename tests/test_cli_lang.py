"""`--lang` on every command that prints text for people (issue 11, item 6): verify, sign, keygen and
export answer in French when asked, and in English, unchanged, by default."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import ROOT, SAMPLES
from test_cli_options import cli, option, subparsers

from reportgen.commands.main import build_parser
from reportgen.resources import strings

GOLDEN_XLSX = ROOT / "tests" / "golden" / "v0.1.0" / "Acme-Assistant-2.1-AILD-D1.xlsx"
LLAMA = SAMPLES / "llama-3.1-405b.yaml"


def test_every_command_that_prints_for_people_takes_lang():
    commands = subparsers(build_parser())
    with_lang = {name for name, p in commands.items() if option(p, "--lang")}
    # schema prints JSON for tools; import's notes come from the interop readers and are in English.
    assert with_lang == set(commands) - {"schema", "import codecarbon", "import hf-model-card"}
    for name in with_lang:
        assert option(commands[name], "--lang").choices == ("en", "fr"), name


def test_every_verify_check_has_its_french_text():
    """A check added to reportgen/proof/*.py needs its entry in templates/strings-cli.yaml (verify_checks)."""
    names = {
        m
        for path in (ROOT / "reportgen" / "proof").glob("*.py")
        for m in re.findall(r'Check\(\s*"([^"]+)"', path.read_text(encoding="utf-8"))
    }
    assert len(names) >= 14
    table = strings()["verify_checks"]
    assert not names - set(table), (
        f"add to verify_checks in templates/strings-cli.yaml: {sorted(names - set(table))}"
    )
    for name in names:
        assert table[name]["name"] and table[name]["does"], name


def test_verify_in_french(capsys):
    code, out, _ = cli(capsys, "verify", GOLDEN_XLSX, "--lang", "fr")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith(f"Vérification de {GOLDEN_XLSX} (classeur, AILD D1, produit par")
    assert lines[1].startswith("Empreinte\u00a0: sha256:")
    french = {e["name"] for e in strings()["verify_checks"].values()}
    checks = [line for line in lines if line.startswith("  ok ")]
    assert len(checks) >= 8 and all(re.match(r" +ok +(.+?)\u00a0: ", line)[1] in french for line in checks)
    assert lines[-1] == f"Vérifié : les {len(checks)} contrôles sont satisfaits."
    code, out, _ = cli(capsys, "verify", GOLDEN_XLSX)
    assert code == 0 and out.splitlines()[-1] == f"Verified: all {len(checks)} checks passed."


def test_a_failed_check_in_french_names_the_difference(capsys):
    code, out, _ = cli(capsys, "verify", GOLDEN_XLSX, LLAMA, "--lang", "fr")
    assert code == 1
    assert "  ÉCHEC  fichier d'entrée\u00a0: le fichier d'entrée donné a l'empreinte du rapport" in out
    # llama names D1.1, so it is evaluated under D1.1 (README, readings of D1.1, 8)
    assert re.search(
        r"\n {10}fingerprint of .+llama-3\.1-405b\.yaml : attendu sha256:281b\w+, trouvé sha256:bbe1", out
    )
    assert out.splitlines()[-1].startswith("NON VÉRIFIÉ : 1 sur ") and out.endswith("(fichier d'entrée).\n")


def test_keygen_and_sign_in_french(tmp_path, capsys):
    code, out, _ = cli(capsys, "keygen", "-o", tmp_path / "keys", "--lang", "fr")
    assert code == 0 and out.splitlines()[0] == (
        f"{tmp_path / 'keys' / 'PRIVATE.pem'} écrit (clé privée Ed25519, "
        "PKCS8, non chiffrée, mode 0600 : gardez-la secrète)"
    )
    report = shutil.copy(GOLDEN_XLSX, tmp_path / "report.xlsx")
    code, out, _ = cli(capsys, "sign", report, "--key", tmp_path / "keys" / "PRIVATE.pem", "--lang", "fr")
    assert code == 0 and out.startswith(
        f"{tmp_path / 'report.xlsx.sig.json'} écrit (signé par Exemple Audit & "
        "Associés, limited_assurance, clé "
    )


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_export_eu_ai_act_in_french(capsys, fmt):
    code, out, _ = cli(capsys, "export", "eu-ai-act", LLAMA, "--lang", "fr", "--format", fmt)
    assert code == 1  # training.wallclock_days is missing
    if fmt == "json":
        doc = json.loads(out)
        assert doc["missing"] == [
            {
                "ref": "2(d) training time",
                "field": "training.wallclock_days",
                "label": "Durée calendaire de l'entraînement",
            }
        ]
        energy = next(i for i in doc["items"] if i["field"] == "training.energy")
        assert energy["value"] == 21600 and energy["display"] == "21\u202f600 MWh"
        return
    assert out.startswith("# Règlement européen sur l'IA, annexe XI §1 2(d)–(e) — Llama-3.1-405B 3.1\n")
    assert "| Élément | Réponse | Obtention | Champ AILD |" in out
    assert "| 21\u202f600 MWh | calculé par reportgen\u00a0; article 8.1\u00a0: énergie = " in out
    assert "| 3,80 × 10^25 FLOP | fourni\u00a0; Dubey et al. 2024" in out
    assert (
        "## Manquants (1)\n\n- 2(d) training time: Durée calendaire de l'entraînement (`training.wallclock_days`)"
        in out
    )


def test_export_eu_ai_act_in_english_is_unchanged(capsys):
    _, out, _ = cli(capsys, "export", "eu-ai-act", LLAMA)
    assert out.startswith("# EU AI Act Annex XI §1 2(d)–(e) — Llama-3.1-405B 3.1\n")
    assert "| 21,600 MWh | derived by reportgen; clause 8.1: energy = " in out
    assert "## Missing (1)" in out


def test_export_hf_model_card_in_french(tmp_path, capsys):
    code, _, err = cli(capsys, "export", "hf-model-card", LLAMA, "--lang", "fr", "-o", tmp_path / "card.yaml")
    text = (tmp_path / "card.yaml").read_text(encoding="utf-8")
    assert code == 0 and text.startswith(
        "# co2_eq_emissions pour l'en-tête de la fiche du modèle, d'après la déclaration AILD D1.1 de "
        "Llama 3.1 (empreinte sha256:"
    )
    assert " ; émissions en grammes de CO2e.\n" in text and "llama-3.1-405b" not in text
    assert "training_type: pre-training" in text and "emissions: 8930000000" in text
    assert (
        "remarque : training.location_country n'a pas de valeur, le bloc n'a donc pas de "
        "geographical_location."
    ) in err and f"{tmp_path / 'card.yaml'} écrit" in err
