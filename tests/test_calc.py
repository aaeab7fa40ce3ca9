"""Clause 8 derivations reproduce published figures; traces, totals, functional units, shares."""

from __future__ import annotations

import pytest
from conftest import codes, finding, run


def training_only(scope: str = "facility", **training) -> dict:
    phases = {
        p: "excluded"
        for p in ["hardware", "data", "finetuning", "inference", "storage_network", "end_of_life"]
    }
    return {
        "boundary": {"phases": {**phases, "training": "included"}, "energy_scope": scope},
        "training": training,
    }


# Patterson et al. 2021, arXiv:2104.10350, Table 4: hours × processors × W × PUE, × grid factor.
@pytest.mark.parametrize(
    "name,chips,days,watts,pue,kg_per_kwh,mwh,tco2e",
    [
        ("T5", 512, 20, 310, 1.12, 0.545, 85.7, 46.7),
        ("Meena", 1024, 30, 289, 1.09, 0.415, 232, 96.4),
    ],
)
def test_patterson_table_4(name, chips, days, watts, pue, kg_per_kwh, mwh, tco2e):
    ev = run(
        training_only(
            accelerator_hours=chips * days * 24,
            avg_power_w=watts,
            pue=pue,
            grid_intensity=f"{kg_per_kwh} kgCO2e/kWh",
        )
    )
    energy, ghg = ev.values["training.energy"], ev.values["training.ghg_location"]
    assert energy.origin == ghg.origin == "derived"
    assert energy.value / 1000 == pytest.approx(mwh, rel=0.01)
    assert ghg.value / 1000 == pytest.approx(tco2e, rel=0.01)
    exact = chips * days * 24 * watts / 1000 * pue
    assert energy.value == pytest.approx(exact, rel=1e-12)  # unrounded
    assert ghg.value == pytest.approx(exact * kg_per_kwh, rel=1e-12)


def test_trace_names_formula_inputs_and_sources():
    ev = run(
        training_only(
            accelerator_hours={"value": 1000, "source": "slurm", "method": "measured"},
            avg_power_w=500,
            pue=1.2,
            grid_intensity=100,
        )
    )
    tr = ev.values["training.energy"].trace
    assert tr.clause == "8.1" and "accelerator_hours" in tr.formula
    assert {i.field for i in tr.inputs} == {
        "training.accelerator_hours",
        "training.avg_power_w",
        "training.pue",
    }
    assert next(i for i in tr.inputs if i.field == "training.accelerator_hours").source == "slurm"
    assert "= 600 kWh" in tr.expression
    ghg = ev.values["training.ghg_location"]
    assert ghg.method == "calculated" and ghg.trace.clause == "8.2"
    assert next(i for i in ghg.trace.inputs if i.field == "training.energy").origin == "derived"


def test_traces_keep_numbers_and_reports_write_them_in_their_language():
    """Issue 11: the calculation keeps a trace's numbers apart; the presentation writes them per language."""
    from reportgen.presentation.fmt import expression

    tree = training_only(accelerator_hours=12500, avg_power_w=700, pue=1.1)
    en, fr = run(tree), run(tree, lang="fr")
    tr, tr_fr = en.values["training.energy"].trace, fr.values["training.energy"].trace
    assert tr.template == tr_fr.template == "{0} h × {1} W ÷ 1000 × {2} = {3} kWh"
    assert tr.numbers == tr_fr.numbers == pytest.approx([12500, 700, 1.1, 9625])
    assert tr.expression == tr_fr.expression == "12500 h × 700 W ÷ 1000 × 1.1 = 9625 kWh"
    assert expression(tr, "en") == "12,500 h × 700 W ÷ 1000 × 1.1 = 9,625 kWh"
    assert expression(tr, "fr").replace("\u202f", " ").replace("\xa0", " ") == (
        "12 500 h × 700 W ÷ 1000 × 1,1 = 9 625 kWh"
    )


def test_no_pue_factor_outside_facility_scope():
    ev = run(training_only("it_equipment", accelerator_hours=1000, avg_power_w=500, pue=1.5))
    assert ev.values["training.energy"].value == pytest.approx(500)


def test_facility_scope_needs_pue_to_derive():
    ev = run(training_only(accelerator_hours=1000, avg_power_w=500))
    assert "training.energy" not in ev.values
    assert "training.energy" in ev.missing and "training.pue" in ev.missing


def test_supplied_figure_is_never_overwritten():
    ev = run(training_only(accelerator_hours=1000, avg_power_w=500, pue=1.2, energy=777))
    assert ev.values["training.energy"].value == 777 and ev.values["training.energy"].origin == "supplied"


def test_withheld_field_is_not_derived_and_blocks_chained_derivations():
    ev = run(
        training_only(
            accelerator_hours=1000,
            avg_power_w=500,
            pue=1.2,
            grid_intensity=50,
            energy={"withheld": "confidential", "note": "contract"},
        )
    )
    assert ev.values["training.energy"].origin == "withheld"
    assert "training.ghg_location" not in ev.values
    assert "training.energy" not in ev.missing


def test_water_on_site_and_off_site():
    ev = run(training_only(energy=1200, pue=1.2, wue=0.5, water_intensity_offsite=2))
    # IT energy = 1200 / 1.2 = 1000 kWh; 1000 × 0.5 + 1200 × 2 = 2900 L
    assert ev.values["training.water"].value == pytest.approx(2900)
    ev = run(training_only("it_equipment", energy=1000, wue=0.5))
    assert ev.values["training.water"].value == pytest.approx(500)


def embodied_tree(**hardware) -> dict:
    return {
        "boundary": {
            "phases": {
                "hardware": "included",
                "training": "included",
                "inference": "included",
                "data": "excluded",
                "finetuning": "included",
                "storage_network": "excluded",
                "end_of_life": "excluded",
            },
            "energy_scope": "it_equipment",
        },
        "hardware": hardware,
        "training": {"accelerator_hours": 10000},
        "inference": {"accelerator_hours": 30000},
    }


def test_embodied_allocation_clause_8_4():
    ev = run(
        embodied_tree(
            lifetime_years=4,
            usage_rate=0.5,
            embodied_per_accelerator=1752,
            embodied_per_server=3504,
            accelerators_per_server=8,
        )
    )
    hours = ev.values["hardware.accelerator_hours"]
    assert hours.origin == "derived" and hours.value == 40000
    assert "finetuning" in " ".join(hours.trace.notes)  # included phase without hours is named
    rate_acc = 1752 / (4 * 8760 * 0.5)  # 0.1 kgCO2e per device-hour
    rate_srv = 3504 / (4 * 8760 * 0.5)
    assert ev.values["hardware.ghg"].value == pytest.approx(
        rate_acc * 40000 + rate_srv * 40000 / 8, rel=1e-12
    )
    assert "I-CALC-2" not in codes(ev)


def test_usage_rate_defaults_to_one_with_info():
    ev = run(embodied_tree(lifetime_years=4, embodied_per_accelerator=3504))
    assert ev.values["hardware.ghg"].value == pytest.approx(3504 / (4 * 8760) * 40000)
    assert finding(ev, "I-CALC-2").severity == "info"
    assert "server term omitted" in " ".join(ev.values["hardware.ghg"].trace.notes)


def test_embodied_needs_a_term_and_lifetime():
    ev = run(embodied_tree(lifetime_years=4))
    assert "hardware.ghg" not in ev.values and "hardware.ghg" in ev.missing
    ev = run(embodied_tree(embodied_per_accelerator=100))
    assert "hardware.ghg" not in ev.values


def test_totals_shares_partial_and_inference_share(acme):
    from reportgen import evaluate_mapping

    ev = evaluate_mapping(acme)
    ghg = ev.totals["ghg_location"]
    assert not ghg.partial and ghg.value == pytest.approx(sum(ghg.by_phase.values()))
    assert sum(ghg.shares.values()) == pytest.approx(1)
    assert ev.inference_share == pytest.approx(ghg.by_phase["inference"] / ghg.value)
    del acme["inference"]["avg_power_w"]
    ev = evaluate_mapping(acme)
    assert ev.totals["energy"].partial and ev.totals["energy"].missing_phases == ["inference"]
    assert "inference" not in ev.totals["energy"].by_phase


def test_functional_units(acme):
    from reportgen import evaluate_mapping

    acme["inference"].update(
        energy=240000,
        requests=1_000_000,
        output_tokens=400_000_000,
        water={"value": 45, "unit": "m3", "method": "measured", "source": "meter"},
        adpe={"value": 0.16, "unit": "kgSbeq", "method": "estimated", "source": "x"},
    )
    ev = evaluate_mapping(acme)
    pr = ev.functional_units.per_request
    assert pr["energy"].unit == "Wh" and pr["energy"].value == pytest.approx(240)
    assert pr["water"].unit == "mL" and pr["water"].value == pytest.approx(45)
    assert pr["adpe"].unit == "mgSbeq" and pr["adpe"].value == pytest.approx(0.16)
    ghg = ev.values["inference.ghg_location"].value
    assert pr["ghg_location"].unit == "gCO2e" and pr["ghg_location"].value == pytest.approx(ghg * 1000 / 1e6)
    per_tok = ev.functional_units.per_1k_output_tokens
    assert per_tok["energy"].value == pytest.approx(240000 * 1000 / 400_000_000 * 1000)


def test_data_quality_shares_by_method_under_d1(acme):
    """D1's 9.3: shares by method (D1.1 replaces it by the basis of A4: test_edition_d11.py)."""
    from reportgen import evaluate_mapping

    acme["standard"] = "AILD D1"
    ev = evaluate_mapping(acme)
    dq = ev.data_quality["energy"]
    assert sum(dq.values()) == pytest.approx(1)
    assert dq["measured"] == pytest.approx(
        (ev.values["data.energy"].value + ev.values["storage_network.energy"].value)
        / ev.totals["energy"].value
    )


def test_rejected_value_counts_as_not_supplied_and_is_derived():
    ev = run(training_only(accelerator_hours=1000, avg_power_w=500, pue=1.2, energy="lots"))
    assert ev.values["training.energy"].origin == "derived" and ev.values["training.energy"].value == 600
    assert ev.rejected == {"training.energy": "lots"} and ev.status == "incomplete"


def test_absurd_magnitudes_never_crash():
    from reportgen.presentation import fmt

    ev = run(training_only(accelerator_hours=1e300, avg_power_w=1e300, pue=1.2, grid_intensity=56))
    assert "training.energy" not in ev.values  # overflow: no figure rather than infinity
    assert (
        fmt.number(1e300) == "1 × 10³⁰⁰"
        and fmt.scientific(8.6e22) == "8.6 × 10²²"
        and fmt.number(float("inf")) == "∞"
    )
