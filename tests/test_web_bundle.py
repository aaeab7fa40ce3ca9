"""`reportgen serve` takes a zip of a disclosure and its activity tables (Annex D) through the HTTP API:
unpacked with bounds, tables read relative to the disclosure inside the zip and nowhere else."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from reportgen.commands.main import main  # noqa: E402
from reportgen.inputs import bundle  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
METERED = SAMPLES / "acme-assistant-7b-metered.yaml"
LOCAL = "http://127.0.0.1:8765"


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def metered_zip(prefix: str = "") -> bytes:
    """The metered sample as a team would zip its folder: the disclosure and activity/ beside it."""
    members = {prefix + METERED.name: METERED.read_bytes()}
    for table in sorted((SAMPLES / "activity").iterdir()):
        if table.suffix in (".csv", ".parquet"):
            members[f"{prefix}activity/{table.name}"] = table.read_bytes()
    return zipped(members)


def cli_json(capsys, *argv: str) -> dict:
    capsys.readouterr()
    main(list(argv))
    return json.loads(capsys.readouterr().out)


def test_check_of_a_zip_equals_the_cli_on_the_folder(client, capsys):
    r = client.post("/api/check", files={"file": ("metered.zip", metered_zip("acme/"))})
    assert r.status_code == 200, r.text
    got, cli = r.json(), cli_json(capsys, "check", str(METERED), "--format", "json")
    assert got["fingerprint"] == cli["fingerprint"] and got["status"] == "complete"
    assert got["inputs"]["activity"] == cli["inputs"]["activity"]  # every table read, same digests
    assert got["activity"]["tables"] == cli["activity"]["tables"]
    assert got["values"]["training.ghg_location"]["value"] == pytest.approx(
        cli["values"]["training.ghg_location"]["value"], rel=1e-12
    )
    assert [f["code"] for f in got["findings"]] == [f["code"] for f in cli["findings"]]


def test_render_of_a_zip_verifies_with_the_zip_and_with_the_folder(client, tmp_path, capsys):
    """The Excel report (it embeds the same data as the PDF, which test_activity_sample verifies with its
    folder; the PDF takes seconds to lay out, and the bundle is what is tested here)."""
    data = metered_zip()
    r = client.post("/api/render?format=xlsx", files={"file": ("metered.zip", data)})
    assert r.status_code == 200 and r.content.startswith(b"PK")
    report = tmp_path / "metered.xlsx"
    report.write_bytes(r.content)
    capsys.readouterr()
    assert main(["verify", str(report), str(METERED)]) == 0
    r = client.post(
        "/api/verify",
        files={"report": ("metered.xlsx", r.content), "input": ("metered.zip", data)},
    )
    assert r.status_code == 200 and r.json()["verified"] is True, r.text


@pytest.mark.parametrize(
    "name",
    ["../escape.csv", "/etc/escape.csv", "C:/escape.csv", "activity/../../escape.csv", "a\\..\\escape.csv"],
)
def test_member_names_that_leave_the_folder_refuse_the_zip(client, tmp_root, name):
    data = zipped({METERED.name: METERED.read_bytes(), name: b"start,energy_kwh\n"})
    r = client.post("/api/check", files={"file": ("evil.zip", data)})
    assert r.status_code == 400
    assert "is not a plain relative file name" in r.json()["error"] and "evil.zip" in r.json()["error"]
    assert not (tmp_root.parent / "escape.csv").exists()


def test_a_link_member_refuses_the_zip(client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(METERED.name, METERED.read_bytes())
        link = zipfile.ZipInfo("activity/training-energy.parquet")
        link.external_attr = (0o120777 << 16) | 0x20  # a symbolic link to /etc/passwd
        zf.writestr(link, "/etc/passwd")
    r = client.post("/api/check", files={"file": ("link.zip", buf.getvalue())})
    assert r.status_code == 400 and "a link" in r.json()["error"]


def test_tables_outside_the_disclosures_folder_are_never_read(client, tmp_path):
    """Declared paths that are absolute or climb out (to the uploaded zip itself here) are E-ACT-1."""
    text = METERED.read_text(encoding="utf-8")
    text = text.replace(
        "path: activity/grid-fr-de-2025q3.csv", f"path: {SAMPLES / 'activity' / 'grid-fr-de-2025q3.csv'}"
    )
    text = text.replace("path: activity/requests.csv", "path: ../input.zip")
    assert text.count("path: ") == METERED.read_text(encoding="utf-8").count("path: ")
    members = {METERED.name: text.encode()}
    for table in (SAMPLES / "activity").glob("*.csv"):
        members[f"activity/{table.name}"] = table.read_bytes()
    members["activity/training-energy.parquet"] = (
        SAMPLES / "activity" / "training-energy.parquet"
    ).read_bytes()
    r = client.post("/api/check", files={"file": ("outside.zip", zipped(members))})
    assert r.status_code == 200
    outside = [f for f in r.json()["findings"] if f["code"] == "E-ACT-1"]
    assert len(outside) == 2 and all("outside the folder of the disclosure" in f["message"] for f in outside)
    assert [t["table"] for t in r.json()["inputs"]["activity"]] == ["energy", "accelerator_usage", "energy"]
    # the same disclosure uploaded alone: its absolute path is refused as well, not read from this server
    r = client.post("/api/check", files={"file": ("alone.yaml", text.encode())})
    assert r.status_code == 200
    messages = [f["message"] for f in r.json()["findings"] if f["code"] == "E-ACT-1"]
    assert any("grid-fr-de-2025q3.csv" in m and "outside the folder" in m for m in messages)
    assert str(tmp_path) not in r.text and "reportgen-web-" not in r.text


def test_no_disclosure_or_several_is_400(client):
    r = client.post("/api/check", files={"file": ("t.zip", zipped({"activity/a.csv": b"x\n"}))})
    assert r.status_code == 400 and "holds no disclosure" in r.json()["error"]
    r = client.post("/api/check", files={"file": ("t.zip", zipped({"a.yaml": b"x: 1\n", "b.json": b"{}"}))})
    assert r.status_code == 400 and "several disclosures (a.yaml, b.json)" in r.json()["error"]
    # one at the top and others deeper: the top one is the disclosure
    r = client.post(
        "/api/check",
        files={"file": ("t.zip", zipped({"d.yaml": b"standard: AILD D1.1\n", "old/e.yaml": b"x: 1\n"}))},
    )
    assert r.status_code == 200 and r.json()["source"] == "d.yaml"


def test_unpacking_is_bounded_and_a_damaged_zip_is_400(client, monkeypatch):
    monkeypatch.setattr(bundle, "MAX_UNZIPPED_BYTES", 1024 * 1024)
    data = zipped({METERED.name: METERED.read_bytes(), "activity/big.csv": b"0" * (2 * 1024 * 1024)})
    assert len(data) < 100_000  # highly compressed
    r = client.post("/api/check", files={"file": ("bomb.zip", data)})
    assert r.status_code == 400 and "would unpack to more than 1 MB" in r.json()["error"]
    r = client.post("/api/check", files={"file": ("cut.zip", metered_zip()[:5000])})
    assert r.status_code == 400 and "not a zip archive, or it is damaged" in r.json()["error"]


def test_a_member_larger_than_it_declares_is_refused_while_unpacking(tmp_path):
    """The central directory says 10 bytes; the data inflates to 1 MB: stopped at the declared size."""
    data = bytearray(zipped({"d.yaml": b"standard: AILD D1.1\n", "t.csv": b"1" * 1_000_000}))
    cd = data.rfind(b"PK\x01\x02")  # the last central directory entry: t.csv
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")  # its uncompressed size
    local = data.find(b"PK\x03\x04", 10)
    data[local + 22 : local + 26] = (10).to_bytes(4, "little")
    (tmp_path / "lie.zip").write_bytes(bytes(data))
    with pytest.raises(Exception, match="would unpack to more than"):
        bundle.extract_bundle(tmp_path / "lie.zip", tmp_path / "out")
    assert (
        not (tmp_path / "out" / "t.csv").exists()
        or (tmp_path / "out" / "t.csv").stat().st_size <= 10 + 262144
    )
