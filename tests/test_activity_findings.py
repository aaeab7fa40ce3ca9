"""Every E-/W-/I-ACT code of Annex D through the pipeline, D.5 fingerprint entries, and the catalogue tied
to the amendment's text (A8) as Annex B's codes are tied to SPEC.md."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import pytest
from conftest import AMENDMENT_1, ROOT, SAMPLES
from test_activity import T0, codes, em_grid, evaluate, iso, one, without, write_csv

H = __import__("datetime").timedelta(hours=1)
NO_TRAINING = ("training.energy", "training.ghg_location", "training.grid_intensity")


@pytest.fixture
def base(tmp_path, acme):
    """Three hours of training energy in FR and the FR grid for those hours."""
    write_csv(
        tmp_path / "energy.csv",
        ["start", "energy_kwh", "zone", "site"],
        [[iso(T0 + i * H), 10 * (i + 1), "FR", "a"] for i in range(3)],
    )
    em_grid(tmp_path / "grid.csv", {("FR", T0 + i * H): [50.0 + i] for i in range(3)})
    return tmp_path, without(acme, *NO_TRAINING)


ENERGY = {"table": "energy", "path": "energy.csv", "phase": "training"}
GRID = {"table": "grid_intensity", "path": "grid.csv"}


# -- the catalogue ------------------------------------------------------------------------------------
def test_every_act_code_of_the_amendment_is_encoded(std11):
    text = AMENDMENT_1.read_text(encoding="utf-8").split("## A8")[1]
    spec_codes = set(re.findall(r"\b([EWI]-ACT-\d+)\b", text))
    encoded = {c for c in std11.findings if "-ACT-" in c}
    assert (
        spec_codes
        == encoded
        == {"E-ACT-1", "E-ACT-2", "W-ACT-3", "W-ACT-4", "I-ACT-5", "W-ACT-6", "E-ACT-7", "I-ACT-8"}
    )
    for code in encoded:
        row = re.search(rf"\| {code} \| (\w+) \|", text)
        assert row and row.group(1) == std11.findings[code].severity, code
        assert std11.findings[code].clause.startswith("D."), code


def test_kinds_and_columns_match_annex_d(std11):
    table = AMENDMENT_1.read_text(encoding="utf-8").split("**D.2")[1].split("**D.3")[0]
    for kind, required, optional in re.findall(r"\| `(\w+)` \| (.+?) \| (.+?) \|", table):
        spec = std11.activity.kinds[kind]
        assert spec.required == re.findall(r"`(\w+)`", required), kind
        assert spec.optional == [c for c in re.findall(r"`(\w+)`", optional)], kind


# -- E-ACT-1 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "decl,variant_text",
    [
        ({"table": "meter", "path": "energy.csv"}, "is not a kind of Annex D"),
        (
            {"table": "energy", "path": "energy.csv", "phase": "training", "colour": "red"},
            "'colour' is not a key",
        ),
        ({"table": "energy", "phase": "training"}, "has no `path`"),
        ({"table": "energy", "path": "energy.csv"}, "has no `phase` column and declares no `phase`"),
        ({"table": "requests", "path": "energy.csv", "phase": "training"}, "serves the inference phase"),
        ({"table": "grid_intensity", "path": "grid.csv", "phase": "training"}, "takes no phase"),
        ({"table": "grid_intensity", "path": "grid.csv", "basis": "market"}, "`basis` is market"),
        ({"table": "energy", "path": "missing.csv", "phase": "training"}, "cannot be read (no such file)"),
        (
            {"table": "accelerator_usage", "path": "energy.csv", "phase": "training"},
            "has no column end, accelerators",
        ),
    ],
)
def test_e_act_1_table_ignored(base, std11, decl, variant_text):
    tmp, tree = base
    ev = evaluate(tree, std11, tmp, [decl])
    f = one(ev, "E-ACT-1")
    assert variant_text in f.message and f.fix
    assert ev.status == "incomplete" and "activity" not in ev.inputs


def test_e_act_1_unreadable_and_duplicate_columns(base, std11):
    tmp, tree = base
    (tmp / "bad.csv").write_bytes(b"start,energy_kwh\n\xff\xfe\x00bad")
    write_csv(tmp / "dup.csv", ["start", "Energy_kWh", " energy_kwh"], [[iso(T0), 1, 2]])
    ev = evaluate(
        tree,
        std11,
        tmp,
        [
            {"table": "energy", "path": "bad.csv", "phase": "training"},
            {"table": "energy", "path": "dup.csv", "phase": "training"},
            "not a table",
        ],
    )
    messages = [f.message for f in ev.findings if f.code == "E-ACT-1"]
    assert any("bad.csv cannot be read" in m for m in messages), messages
    assert any("two columns named" in m for m in messages) and any("#3" in m for m in messages)


def test_e_act_1_activity_not_a_list(base, std11):
    tmp, tree = base
    tree["activity"] = {"table": "energy"}
    from reportgen import evaluate_mapping

    ev = evaluate_mapping(tree, standard=std11, base_dir=tmp)
    assert "not a list" in one(ev, "E-ACT-1").message


# -- E-ACT-2 ------------------------------------------------------------------------------------------
def test_e_act_2_located_first_ten_then_count(base, std11):
    tmp, tree = base
    rows = [[iso(T0), 1, "FR", "ok"]]
    rows += [[(T0 + i * H).strftime("%Y-%m-%dT%H:%M:%S"), 1, "FR", f"s{i}"] for i in range(6)]  # no offset
    rows += [
        [iso(T0), "1,5", "FR", "x"],
        [iso(T0), "-2", "FR", "y"],
        [iso(T0), "inf", "FR", "z"],
        [iso(T0), "", "FR", "w"],
        ["yesterday", 1, "FR", "v"],
        [iso(T0), 2, "FR", "u"],
    ]
    write_csv(tmp / "energy.csv", ["start", "energy_kwh", "zone", "site"], rows)
    ev = evaluate(tree, std11, tmp, [ENERGY, GRID])
    f = one(ev, "E-ACT-2")
    assert f.message.startswith("energy.csv: 11 rows rejected")
    assert "energy.csv:3 (start)" in f.message and "energy.csv:9 (energy_kwh)" in f.message
    assert "energy.csv:13 (start)" not in f.message and f.message.endswith(
        "(+1)."
    )  # ten listed, then a count
    assert str(f.location) == "energy.csv:3"
    assert ev.values["training.energy"].value == 3  # the two good rows


def test_e_act_2_end_phase_and_grid_hour(base, std11):
    tmp, tree = base
    tree["training"].pop("accelerator_hours")
    write_csv(
        tmp / "usage.csv",
        ["start", "end", "accelerators", "phase"],
        [
            [iso(T0), iso(T0), 8, "training"],
            [iso(T0), iso(T0 + H), 8, "hardware_x"],
            [iso(T0), iso(T0 + H), 8, "storage_network"],
            [iso(T0), iso(T0 + 2 * H), 8, "Training"],
        ],
    )
    write_csv(
        tmp / "grid2.csv",
        ["datetime", "zone", "intensity_gco2e_per_kwh"],
        [["2025-03-01T00:30:00Z", "FR", 50], ["2025-03-01T01:00:00Z", "", 50]],
    )
    ev = evaluate(
        tree,
        std11,
        tmp,
        [
            {"table": "accelerator_usage", "path": "usage.csv"},
            {"table": "grid_intensity", "path": "grid2.csv"},
        ],
    )
    messages = {f.message.split(":")[0]: f.message for f in ev.findings if f.code == "E-ACT-2"}
    assert "usage.csv:2 (end), usage.csv:3 (phase), usage.csv:4 (phase)" in messages["usage.csv"]
    assert "grid2.csv:2 (datetime), grid2.csv:3 (zone)" in messages["grid2.csv"]
    assert ev.values["training.accelerator_hours"].value == pytest.approx(16.0)


def test_e_act_2_parquet_rows_are_1_based(base, std11):
    import duckdb

    tmp, tree = base
    duckdb.sql(
        f"COPY (SELECT * FROM (VALUES ('{iso(T0)}', 1.0), ('2025-03-01 01:00', 2.0), ('{iso(T0 + H)}', -1.0)) "
        f"t(start, energy_kwh)) TO '{tmp / 'e.parquet'}' (FORMAT parquet)"
    )
    ev = evaluate(tree, std11, tmp, [{"table": "energy", "path": "e.parquet", "phase": "training"}])
    assert "e.parquet:2 (start), e.parquet:3 (energy_kwh)" in one(ev, "E-ACT-2").message


# -- W-ACT-3, W-ACT-4, I-ACT-5, W-ACT-6 ------------------------------------------------------------------
def test_w_act_3_unmatched_with_and_without_fallback(base, std11):
    tmp, tree = base
    write_csv(tmp / "energy.csv", ["start", "energy_kwh", "zone"], [[iso(T0), 30, "FR"], [iso(T0), 10, "ES"]])
    ev = evaluate(tree, std11, tmp, [ENERGY, GRID])
    f = one(ev, "W-ACT-3")
    assert "25" in f.message and "no hourly-matched GHG" in f.message and "ES" in f.fix
    assert "training.ghg_location" not in ev.values  # no hourly figure, and no intensity for 8.2
    tree["training"]["grid_intensity"] = {"value": 200, "method": "literature", "source": "EEA"}
    ev = evaluate(tree, std11, tmp, [ENERGY, GRID])
    assert "valued with the phase's grid intensity" in one(ev, "W-ACT-3").message
    assert ev.values["training.ghg_location"].value == pytest.approx(30 * 50 / 1000 + 10 * 200 / 1000)
    assert ev.activity.phases["training"].matched_share == pytest.approx(0.75)


def test_w_act_4_repeated_energy_keys(base, std11):
    tmp, tree = base
    write_csv(
        tmp / "energy.csv",
        ["start", "energy_kwh", "zone", "site"],
        [[iso(T0), 1, "FR", "a"], ["2025-03-01T01:00:00+01:00", 2, "fr", "a"], [iso(T0), 3, "FR", "b"]],
    )
    ev = evaluate(tree, std11, tmp, [ENERGY, GRID])
    assert one(ev, "W-ACT-4").message.startswith(
        "energy.csv: 1 rows repeat the key (phase, zone, site, start)"
    )
    assert ev.values["training.energy"].value == 6  # all counted


E2 = iso(T0 + 2 * H)


@pytest.mark.parametrize(
    "rows, repeated",
    [
        # one spelling per key, distinct sites: no repeat, known from the grouping pass alone
        ([[iso(T0), "", 1, "a"], [iso(T0), "", 2, "b"], [iso(T0 + H), "", 3, "a"]], 0),
        # a site twice and thrice in an hour, keys written one way: the exact count on raw cells
        ([[iso(T0), "", 1, "a"], [iso(T0), "", 2, "a"], [iso(T0), "", 3, "a"], [iso(T0 + H), "", 4, "b"]], 2),
        # a rejected row beside a repeat: rows joined to their checked groups; the rejected one not counted
        ([[iso(T0), "", 1, "a"], [iso(T0), "", 2, "a"], [iso(T0), "", "x", "a"]], 1),
        # one instant written two ways for two sites: not a repeat
        ([[iso(T0), "", 1, "a"], ["2025-03-01T01:00:00+01:00", "", 2, "b"]], 0),
        # the same start with two ends: `end` is not part of the key
        ([[iso(T0), "", 1, "a"], [iso(T0), E2, 2, "a"], [iso(T0), E2, 2, "b"]], 1),
        # an empty site twice is one key
        ([[iso(T0), "", 1, ""], [iso(T0), "", 2, ""], [iso(T0), "", 2, "c"]], 1),
    ],
)
def test_w_act_4_counts_every_repeat_whatever_the_path(base, std11, rows, repeated):
    tmp, tree = base
    write_csv(tmp / "energy.csv", ["start", "end", "energy_kwh", "site"], rows)
    ev = evaluate(tree, std11, tmp, [{**ENERGY, "path": "energy.csv"}, GRID])
    found = [f for f in ev.findings if f.code == "W-ACT-4"]
    if repeated:
        assert one(ev, "W-ACT-4").message.startswith(f"energy.csv: {repeated} rows repeat the key")
    else:
        assert found == []


def test_w_act_4_job_ids_in_parquet(base, std11):
    import duckdb

    tmp, tree = base
    duckdb.sql(
        f"COPY (SELECT TIMESTAMPTZ '2025-03-01 00:00:00+00' + to_hours(i % 3) AS start, "
        f"TIMESTAMPTZ '2025-03-01 04:00:00+00' AS \"end\", 2.0 AS accelerators, 'j' || (i // 2) AS job_id "
        f"FROM range(8) t(i)) TO '{tmp / 'jobs.parquet'}' (FORMAT parquet)"
    )
    # keys (start hour, job): 0/j0 1/j0 2/j1 0/j1 1/j2 2/j2 0/j3 1/j3 — all distinct; then one row again
    ev = evaluate(
        tree, std11, tmp, [{"table": "accelerator_usage", "path": "jobs.parquet", "phase": "training"}]
    )
    assert "W-ACT-4" not in codes(ev)
    duckdb.sql(
        f"COPY (SELECT * FROM read_parquet('{tmp / 'jobs.parquet'}') UNION ALL (SELECT * FROM "
        f"read_parquet('{tmp / 'jobs.parquet'}') LIMIT 1)) TO '{tmp / 'jobs2.parquet'}' (FORMAT parquet)"
    )
    ev = evaluate(
        tree, std11, tmp, [{"table": "accelerator_usage", "path": "jobs2.parquet", "phase": "training"}]
    )
    assert one(ev, "W-ACT-4").message.startswith("jobs2.parquet: 1 rows repeat the key")


def test_i_act_5_and_w_act_6(base, std11):
    tmp, tree = base
    tree["training"]["energy"] = {"value": 70, "unit": "kWh", "method": "measured", "source": "meters"}
    ev = evaluate(tree, std11, tmp, [ENERGY, GRID])
    f = one(ev, "W-ACT-6")
    assert f.field == "training.energy" and "70 kWh" in f.message and "60 kWh" in f.message
    assert ev.values["training.energy"].value == 70  # the supplied figure stands
    hourly = (10 * 50 + 20 * 51 + 30 * 52) / 1000
    assert "3.08" in one(ev, "I-ACT-5").message
    # energy supplied: the derived intensity (energy-weighted mean) feeds 8.2
    assert ev.values["training.grid_intensity"].value == pytest.approx(hourly * 1000 / 60)
    assert ev.values["training.ghg_location"].trace.clause == "8.2"


# -- E-ACT-7, I-ACT-8, W-BND-1 -----------------------------------------------------------------------------
def test_e_act_7_and_sha256_case(base, std11):
    tmp, tree = base
    digest = hashlib.sha256((tmp / "energy.csv").read_bytes()).hexdigest()
    ev = evaluate(tree, std11, tmp, [{**ENERGY, "sha256": digest.upper()}, GRID])
    assert not codes(ev, "E-ACT") and ev.inputs["activity"][0]["sha256"] == digest
    ev = evaluate(tree, std11, tmp, [{**ENERGY, "sha256": "0" * 64}, GRID])
    assert digest in one(ev, "E-ACT-7").message
    assert [t["table"] for t in ev.inputs["activity"]] == ["grid_intensity"]  # the table is ignored
    assert ev.values["training.energy"].trace.clause == "8.1"  # from accelerator time, not from the table


def test_i_act_8_inference_clipped_to_the_period(base, std11):
    tmp, tree = base
    end = T0.replace(month=6, day=30)  # acme: 2025-07-01 to 2026-06-30; use a period ending 2025-03-01
    tree["report"]["reporting_period_start"] = "2025-02-01"
    tree["report"]["reporting_period_end"] = "2025-02-28"
    tree["inference"].pop("requests")
    tree["inference"].pop("output_tokens")
    day = T0  # 2025-03-01 00:00Z is the end of the period
    write_csv(
        tmp / "req.csv",
        ["start", "end", "requests", "output_tokens"],
        [
            [iso(day - 2 * H), iso(day + 2 * H), 1000, 40000],  # half inside
            [iso(day + H), iso(day + 2 * H), 500, 100],  # wholly outside
            [iso(day - 5 * H), iso(day - 4 * H), 301, 7],
        ],
    )  # inside
    ev = evaluate(tree, std11, tmp, [{"table": "requests", "path": "req.csv"}])
    f = one(ev, "I-ACT-8")
    assert "1 rows wholly and 1 partly outside" in f.message and "2025-02-01" in f.message
    assert (
        ev.values["inference.requests"].value == 801 and ev.values["inference.output_tokens"].value == 20007
    )
    assert ev.activity.tables[0].period.end == "2025-03-01T00:00:00Z" and end


def test_w_bnd_1_rows_of_an_excluded_phase(base, std11):
    tmp, tree = base
    tree["boundary"]["phases"]["finetuning"] = "excluded"
    tree["boundary"].setdefault("justifications", {})["finetuning"] = "none done"
    write_csv(
        tmp / "energy.csv",
        ["start", "energy_kwh", "zone", "phase"],
        [[iso(T0), 1, "FR", "finetuning"], [iso(T0), 2, "FR", "finetuning"], [iso(T0), 4, "FR", "training"]],
    )
    ev = evaluate(tree, std11, tmp, [{"table": "energy", "path": "energy.csv"}, GRID])
    [f] = [f for f in ev.findings if f.code == "W-BND-1" and f.location and f.location.file == "energy.csv"]
    assert f.field == "finetuning.energy"
    assert ev.values["training.energy"].value == 4 and "finetuning.energy" not in ev.values


# -- usage, tokens, basis of the declaration ---------------------------------------------------------------
def test_energy_from_accelerator_usage_with_pue(base, std11):
    tmp, tree = base
    tree["boundary"]["energy_scope"] = "facility"
    tree["training"]["pue"] = 1.2
    tree["training"].pop("accelerator_hours", None)
    write_csv(
        tmp / "usage.csv",
        ["start", "end", "accelerators", "avg_power_w", "zone", "job_id"],
        [
            [iso(T0), "2025-03-01T02:30:00Z", 8, 500, "FR", "j1"],
            [iso(T0 + H), iso(T0 + 2 * H), 0.5, 400, "FR", "j2"],
        ],
    )
    ev = evaluate(
        tree, std11, tmp, [{"table": "accelerator_usage", "path": "usage.csv", "phase": "training"}, GRID]
    )
    assert ev.values["training.accelerator_hours"].value == pytest.approx(8 * 2.5 + 0.5)
    energy = (8 * 2.5 * 500 + 0.5 * 400) / 1000 * 1.2
    assert ev.values["training.energy"].value == pytest.approx(energy)
    assert ev.values["training.energy"].trace.inputs[0].field == "training.pue"
    assert ev.values["training.energy"].basis == "estimated"  # from avg_power_w (D.3)
    assert ev.values["training.accelerator_hours"].basis == "measured"
    ghg = (8 * 500 * 1.0 * 50 + (8 * 500 + 0.5 * 400) * 51 + 8 * 500 * 0.5 * 52) / 1e6 * 1.2
    assert ev.values["training.ghg_location"].value == pytest.approx(ghg)


def test_electricity_maps_direct_basis_and_fingerprint_entries(base, std11):
    tmp, tree = base
    tables = [ENERGY, {**GRID, "basis": "direct", "description": "EM direct"}]
    ev = evaluate(tree, std11, tmp, tables)
    assert ev.values["training.ghg_location"].value == pytest.approx((10 * 25 + 20 * 25.5 + 30 * 26) / 1000)
    digest = hashlib.sha256((tmp / "energy.csv").read_bytes()).hexdigest()
    assert ev.inputs["activity"] == [
        {"table": "energy", "sha256": digest, "rows": 3, "phase": "training"},
        {
            "table": "grid_intensity",
            "sha256": hashlib.sha256((tmp / "grid.csv").read_bytes()).hexdigest(),
            "rows": 3,
            "description": "EM direct",
            "basis": "direct",
        },
    ]
    (tmp / "sub").mkdir()
    (tmp / "sub" / "e.csv").write_bytes((tmp / "energy.csv").read_bytes())
    moved = evaluate(tree, std11, tmp, [{**ENERGY, "path": "sub/e.csv"}, tables[1]])
    assert moved.fingerprint == ev.fingerprint  # the path does not enter
    life = evaluate(tree, std11, tmp, [ENERGY, GRID])
    assert life.inputs["activity"][1]["basis"] == "life_cycle" and life.fingerprint != ev.fingerprint


def test_a_disclosure_without_activity_does_not_import_duckdb():
    code = (
        "import sys, reportgen; from reportgen.presentation.text import evaluation_text; "
        f"ev = reportgen.evaluate_file({str(SAMPLES / 'acme-assistant-7b.yaml')!r}); evaluation_text(ev); "
        "assert 'duckdb' not in sys.modules, 'duckdb imported'; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_workbook_lists_its_tables_on_an_activity_sheet(base, std11):
    import openpyxl

    from reportgen.evaluation.pipeline import evaluate_raw
    from reportgen.inputs import read_input

    tmp, _ = base
    wb = openpyxl.load_workbook(SAMPLES / "acme-assistant-7b.xlsx")
    ws = wb.create_sheet("Activity")
    ws.append(["Table", "Path", "Phase", "Description"])
    ws.append(["energy", "energy.csv", "training", "hall meter"])
    ws.append([])
    ws.append(["grid_intensity", "grid.csv", None, "EM"])
    ws.append(["meter", "x.csv"])
    wb.save(tmp / "d.xlsx")
    ev = evaluate_raw(read_input(tmp / "d.xlsx", std11), standard=std11)
    assert [t["table"] for t in ev.inputs["activity"]] == ["energy", "grid_intensity"]
    assert one(ev, "E-ACT-1").location.cell == "Activity!A5"
    assert ev.activity.phases["training"].energy_kwh == 60


class _SlowQuery:
    """Stands in for a DuckDB connection whose query takes 1.3 s, half done when polled."""

    def execute(self, sql, params):
        import time

        time.sleep(1.3)
        return self

    def fetchall(self):
        return [(1,)]

    def query_progress(self):
        return 50.0


@pytest.mark.parametrize("tty", [True, False])
def test_progress_bar_only_on_a_terminal_after_a_second(monkeypatch, tty):
    import io

    from reportgen.activity.scan import Progress

    err = io.StringIO()
    err.isatty = lambda: tty  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stderr", err)
    assert Progress(_SlowQuery(), "energy.csv").run("SELECT 1") == [(1,)]
    assert ("[###############               ]  50.0 %" in err.getvalue()) is tty


def _check_metered(stderr: int, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "reportgen", "check", str(SAMPLES / "acme-assistant-7b-metered.yaml")],
        stdout=subprocess.PIPE,
        stderr=stderr,
        env={**os.environ, **env},
        timeout=120,
    )


def test_progress_bar_through_the_cli_on_a_pseudo_terminal():
    """The bar is drawn on a terminal (a pty here; REPORTGEN_PROGRESS_AFTER=0 instead of a slow read) and
    wiped afterwards; on a pipe, nothing is drawn even then."""
    import os
    import pty

    master, slave = pty.openpty()
    try:
        proc = _check_metered(slave, {"REPORTGEN_PROGRESS_AFTER": "0"})
        os.close(slave)
        drawn = b""
        while True:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: the pty is closed
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(master)
    assert proc.returncode == 0, proc.stdout.decode()
    text = drawn.decode()
    assert re.search(r"training-energy\.parquet +\[[# ]{30}\] +\d+\.\d %", text), text
    assert text.endswith("\r" + " " * 72 + "\r")  # the line is wiped: what follows starts clean
    piped = _check_metered(subprocess.PIPE, {"REPORTGEN_PROGRESS_AFTER": "0"})
    assert piped.returncode == 0 and piped.stderr == b""


def test_ragged_csv_is_unreadable_and_naive_parquet_times_are_rows_without_offset(base, std11):
    import duckdb

    tmp, tree = base
    (tmp / "ragged.csv").write_text(f"start,energy_kwh\n{iso(T0)},1\n{iso(T0 + H)},1,5\n", encoding="utf-8")
    duckdb.sql(
        f"COPY (SELECT TIMESTAMP '2025-03-01 00:00:00' AS start, 1.0 AS energy_kwh) TO '{tmp / 'n.parquet'}' "
        "(FORMAT parquet)"
    )
    ev = evaluate(tree, std11, tmp, [{**ENERGY, "path": "ragged.csv"}, {**ENERGY, "path": "n.parquet"}])
    assert "(line 3: Expected Number of Columns: 2 Found: 3)" in one(ev, "E-ACT-1").message
    assert "n.parquet:1 (start)" in one(ev, "E-ACT-2").message


def test_under_d1_activity_is_an_unknown_key(base):
    from reportgen import evaluate_mapping

    tmp, tree = base
    tree["standard"] = "AILD D1"
    tree["activity"] = [ENERGY]
    ev = evaluate_mapping(tree, base_dir=tmp)
    assert ev.standard.edition == "D1" and ev.activity is None and "activity" not in ev.inputs
    assert [f.field for f in ev.findings if f.code == "E-FIELD"] == ["activity"]
