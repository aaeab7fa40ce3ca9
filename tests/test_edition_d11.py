"""Edition D1.1 (Amendment 1) in the evaluation: the edition key (A1), one boundary for both GHG totals (A2),
partial shares (A3), the basis of every figure (A4), the source of grid intensity (A5) and published
aggregates and per-unit figures (A6). D1 stays as it was: a disclosure naming D1 is evaluated under D1."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES, codes, finding

from reportgen import evaluate_file, evaluate_mapping
from reportgen.commands.main import main


def test_the_edition_key_is_normalised_and_not_fingerprinted(acme):
    named = evaluate_mapping(acme)
    acme["standard"] = "  aild \t d1.1 "
    loose = evaluate_mapping(acme)
    del acme["standard"]
    keyless = evaluate_mapping(acme)
    assert named.standard.edition == loose.standard.edition == keyless.standard.edition == "D1.1"
    assert named.fingerprint == loose.fingerprint == keyless.fingerprint  # A1: not in `inputs`
    assert "standard" not in named.inputs and "I-ED-1" not in codes(named) + codes(loose)
    assert finding(keyless, "I-ED-1").severity == "info" and keyless.status == "complete"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_null_or_empty_key_means_the_latest_edition(acme, value):
    acme["standard"] = value
    ev = evaluate_mapping(acme)
    assert ev.standard.edition == "D1.1" and "AILD D1.1" in finding(ev, "I-ED-1").message


@pytest.mark.parametrize("value", ["AILD D2", "D1.1", "1.1", "[AILD D1]", "{edition: D1}"])
def test_an_unknown_edition_cannot_be_evaluated(tmp_path, capsys, value):
    path = tmp_path / "d.yaml"
    path.write_text(f"standard: {value}\norganization:\n  name: X\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "d.yaml:1" in err and "AILD D1, AILD D1.1" in err and "Traceback" not in err


def test_d1_treats_the_amendment_keys_as_unknown(acme):
    acme.update(standard="AILD D1", aggregate={"scope": "all", "water": 5}, activity=[{"table": "energy"}])
    ev = evaluate_mapping(acme)
    assert ev.standard.edition == "D1"
    assert sorted(f.field for f in ev.findings if f.code == "E-FIELD") == [
        "activity",
        "aggregate.scope",
        "aggregate.water",
    ]
    assert "not a field of AILD D1;" in finding(ev, "E-FIELD", "aggregate.scope").message


def test_d1_sample_keeps_d1_semantics_and_d11_covers_one_boundary():
    d1 = evaluate_file(SAMPLES / "acme-assistant-7b-d1.yaml")
    d11 = evaluate_file(SAMPLES / "acme-assistant-7b.yaml")
    assert d1.inputs == d11.inputs and d1.fingerprint != d11.fingerprint  # the edition is fingerprinted
    loc1, mkt1 = d1.totals["ghg_location"], d1.totals["ghg_market"]
    assert (
        round(loc1.value / 1000, 2) == 90.51 and round(mkt1.value / 1000, 2) == 14.45
    )  # D1: electricity only
    assert set(mkt1.by_phase) == {"training", "finetuning", "inference"} and mkt1.location_based_phases == []
    assert (
        d1.values["training.energy"].basis is None
        and mkt1.by_basis == {}
        and d1.inference_share_partial is None
    )
    loc, mkt = d11.totals["ghg_location"], d11.totals["ghg_market"]
    assert loc.value == loc1.value and set(mkt.by_phase) == set(loc.by_phase)  # A2: the same phases
    assert mkt.location_based_phases == ["hardware", "data", "storage_network", "end_of_life"]
    own = sum(d11.values[f"{p}.ghg_market"].value for p in ("training", "finetuning", "inference"))
    entered = sum(loc.by_phase[p] for p in mkt.location_based_phases)
    assert mkt.value == pytest.approx(own + entered) and not mkt.partial


def test_market_total_partial_under_location_and_market_accounting(acme):
    del acme["inference"]["ghg_market"]
    ev = evaluate_mapping(acme)
    mkt, loc = ev.totals["ghg_market"], ev.totals["ghg_location"]
    assert "inference.ghg_market" in ev.missing
    assert mkt.partial and mkt.missing_phases == ["inference"] and not loc.partial
    assert mkt.by_phase["inference"] == loc.by_phase["inference"] and "inference" in mkt.location_based_phases
    assert mkt.shares_partial and not loc.shares_partial


def test_market_total_under_location_based_accounting(acme):
    acme["boundary"]["electricity_accounting"] = "location_based"
    for p in ("training", "finetuning", "inference"):
        del acme[p]["ghg_market"]
    ev = evaluate_mapping(acme)
    assert ev.totals["ghg_market"].value is None and not ev.totals["ghg_market"].partial
    acme["training"]["ghg_market"] = {"value": 0, "method": "calculated", "source": "PPA"}
    ev = evaluate_mapping(acme)
    mkt = ev.totals["ghg_market"]
    assert mkt.value is not None and not mkt.partial and mkt.by_phase["training"] == 0
    assert set(mkt.by_phase) == set(ev.totals["ghg_location"].by_phase)


def test_a_phase_without_location_value_enters_neither_total(acme):
    acme["training"]["ghg_location"] = {"withheld": "confidential", "note": "contract"}
    ev = evaluate_mapping(acme)
    loc, mkt = ev.totals["ghg_location"], ev.totals["ghg_market"]
    assert "training" not in loc.by_phase and "training" not in mkt.by_phase
    assert loc.missing_phases == ["training"] and mkt.missing_phases == ["training"]
    assert loc.shares_partial and ev.inference_share_partial  # A3: upper bounds
    assert "E-GHG-1" in codes(ev)


def test_basis_is_the_weakest_input_and_counts_decimals_only_with_a_method(acme):
    ev = evaluate_mapping(acme)
    v = ev.values
    assert v["training.energy"].basis == "measured"  # hours and power measured; pue without method
    assert v["training.ghg_location"].basis == "literature"  # × a literature grid intensity
    assert v["hardware.ghg"].basis == "estimated"  # estimated embodied factors
    assert v["report.language"].basis is None and v["inference.requests"].basis == "not_stated"
    acme["training"]["pue"] = {"value": 1.12, "method": "estimated", "source": "operator"}
    assert evaluate_mapping(acme).values["training.energy"].basis == "estimated"
    total = ev.totals["ghg_location"]
    assert sum(total.by_basis.values()) == pytest.approx(total.value)
    assert ev.data_quality["ghg_location"]["estimated"] == pytest.approx(
        total.by_basis["estimated"] / total.value
    )
    mkt = ev.totals["ghg_market"]  # a location-based figure counts under its own basis
    assert mkt.by_basis["estimated"] == pytest.approx(total.by_basis["estimated"])


def test_grid_intensity_source_derived_from_the_value_source(acme):
    del acme["training"]["grid_intensity_source"]
    ev = evaluate_mapping(acme)
    src = ev.values["training.grid_intensity_source"]
    assert (src.origin, src.value, src.trace.clause) == ("derived", "EEA 2023, France", "9.1")
    assert "training.grid_intensity_source" not in ev.missing and ev.status == "complete"
    acme["training"]["grid_intensity"] = 56  # no source: nothing to derive from
    assert "training.grid_intensity_source" in evaluate_mapping(acme).missing
    acme["standard"] = "AILD D1"  # D1 does not derive it
    assert "training.grid_intensity_source" in evaluate_mapping(acme).missing


def test_published_aggregates_and_per_unit_figures():
    ev = evaluate_file(SAMPLES / "mistral-large-2.yaml")
    pub = ev.totals["ghg_location"].published
    assert (pub.value, pub.unit) == (20_400_000, "kgCO2e") and "18 months" in pub.scope
    assert ev.totals["water"].published.value == 281_000_000 and ev.totals["adpe"].published.value == 660
    assert ev.totals["ghg_location"].value is None  # never added to the total
    per = ev.functional_units.published
    assert per["definition"] == "One 400-token response from Le Chat"
    assert (per["ghg_location"].value, per["ghg_location"].unit) == (1.14, "gCO2e")
    assert (per["water"].value, per["adpe"].value) == (45, 0.16)
    assert "W-CALC-2" not in codes(ev)  # no total to compare with


def test_per_unit_bare_number_is_in_the_table_unit_and_scope_is_required(acme):
    acme["functional_unit"] = {"energy": 2.5}
    acme["aggregate"] = {"energy": "1 GWh"}
    ev = evaluate_mapping(acme)
    assert (
        ev.values["functional_unit.energy"].value == 2.5 and ev.values["functional_unit.energy"].unit == "Wh"
    )
    assert ev.values["aggregate.energy"].value == 1_000_000
    assert {"aggregate.scope", "functional_unit.definition"} <= set(ev.missing)
    acme["functional_unit"]["energy"] = "0.003 kWh"
    assert evaluate_mapping(acme).values["functional_unit.energy"].value == pytest.approx(3)


def test_w_calc_2_only_over_every_included_phase(acme):
    acme["aggregate"] = {
        "scope": "training and one year of use",
        "ghg_location": {"value": 120, "unit": "tCO2e", "method": "supplier", "source": "LCA"},
    }
    ev = evaluate_mapping(acme)
    f = finding(ev, "W-CALC-2", "aggregate.ghg_location")
    assert "training and one year of use" in f.message and "End of life" in f.message and "32.6" in f.message
    acme["aggregate"]["ghg_location"]["value"] = 92
    assert "W-CALC-2" not in codes(evaluate_mapping(acme))  # within 5 %
    acme["aggregate"]["ghg_location"]["value"] = 120
    del acme["end_of_life"]["ghg"]  # recommended, so the total is not partial, but a phase lacks a value
    assert "W-CALC-2" not in codes(evaluate_mapping(acme))


def test_json_output_carries_the_amendment(capsys):
    assert main(["check", str(SAMPLES / "acme-assistant-7b.yaml"), "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    mkt = d["totals"]["ghg_market"]
    assert mkt["location_based_phases"] and mkt["shares_partial"] is False and mkt["by_basis"]
    assert d["values"]["hardware.ghg"]["basis"] == "estimated" and d["inference_share_partial"] is False
    assert main(["check", str(SAMPLES / "mistral-large-2.yaml"), "--format", "json"]) == 1
    d = json.loads(capsys.readouterr().out)
    assert d["totals"]["ghg_location"]["published"]["unit"] == "kgCO2e"
    assert d["functional_units"]["published"]["water"] == {"value": 45.0, "unit": "mL"}


def test_check_text_shows_the_amendment(capsys):
    main(["check", str(SAMPLES / "acme-assistant-7b.yaml")])
    out = capsys.readouterr().out
    assert "GHG emissions (market-based): 85.03 tCO₂e" in out
    assert (
        "entered with their location-based figure (no market-based figure of their own): Hardware manufacturing 68.7 tCO₂e"
        in out
    )
    assert "Data quality: share of each total by basis" in out and "Estimated 76.1%" in out
    main(["check", str(SAMPLES / "mistral-large-2.yaml"), "--lang", "fr"])
    out = capsys.readouterr().out
    assert "tCO₂e, pour « Training of Mistral Large 2" in out and "publié : 20" in out
    assert "Publié par unité fonctionnelle (One 400-token response from Le Chat)" in out
    main(["check", str(SAMPLES / "acme-assistant-7b-d1.yaml")])
    out = capsys.readouterr().out
    assert "Standard: AILD D1\n" in out and "GHG emissions (market-based): 14.45 tCO₂e" in out
    assert "basis" not in out and "entered with" not in out


def test_workbook_standard_row_names_the_edition(tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "d1.xlsx"
    assert main(["template", "--from", str(SAMPLES / "acme-assistant-7b-d1.yaml"), str(out)]) == 0
    assert evaluate_file(out).standard.edition == "D1"
    wb = load_workbook(out)
    ws = wb["Identification"]
    cell = next(r[3] for r in ws.iter_rows() if r[0].value == "standard")
    assert cell.value == "AILD D1"
    ws.protection.sheet = False
    cell.value = None
    wb.save(out)
    ev = evaluate_file(out)
    assert ev.standard.edition == "D1.1" and "I-ED-1" in codes(ev)
    cell.value = "AILD D9"
    wb.save(out)
    assert main(["check", str(out)]) == 2
    assert "Identification!D" in capsys.readouterr().err
