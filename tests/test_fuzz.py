"""Bounded, deterministic fuzzing through the CLI (issue 10, "Done when").

Mutated disclosures, workbooks and reports must never crash reportgen: every exit code is 0, 1 or 2, no
traceback reaches the output, and the output folder holds only complete outputs (no temporary files).
The seed is fixed so a failure is reproducible; the case count is small so the suite stays fast.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES

from reportgen.commands.main import main

SEED = 20261129
ODD_TEXT = [
    "\u202e",
    "\x00",
    "\ufeff",
    "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
    "ǅ̶̡",
    "\U0001f525" * 50,
    "\x1b[2J",
    "１２３",
    "\u00a0",
    "e\u0301",
]
HUGE = ["1e400", "9" * 400, "-1e308", ".nan", ".inf", "0x" + "f" * 80, "1_000_000_000_000_000_000_000"]


def _mutate_text(rng: random.Random, text: str) -> bytes:
    """One structural or lexical mutation of a YAML document."""
    lines = text.splitlines(keepends=True)
    kind = rng.choice(["flip", "truncate", "dup", "huge", "unicode", "flip"])
    if kind == "truncate":
        return text.encode("utf-8")[: rng.randrange(len(text))]
    if kind == "dup":
        i = rng.randrange(len(lines))
        lines[i:i] = [lines[i]] * rng.randint(1, 3)
    elif kind in ("huge", "unicode"):
        candidates = [i for i, line in enumerate(lines) if ": " in line and not line.rstrip().endswith(":")]
        i = rng.choice(candidates)
        key = lines[i].split(": ", 1)[0]
        value = (
            rng.choice(HUGE) if kind == "huge" else rng.choice(ODD_TEXT) + lines[i].split(": ", 1)[1].strip()
        )
        lines[i] = f"{key}: {value}\n"
    if kind != "flip":
        return "".join(lines).encode("utf-8", "surrogatepass")
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(1, 4)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def _mutate_zip(rng: random.Random, data: bytes) -> bytes:
    """Flip bytes in or truncate one member of an .xlsx, or truncate the archive itself."""
    kind = rng.choice(["member-flip", "member-flip", "member-truncate", "archive-truncate", "archive-flip"])
    if kind == "archive-truncate":
        return data[: rng.randrange(len(data))]
    if kind == "archive-flip":
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
        return bytes(out)
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    victim = rng.choice([n for n in names if n.endswith(".xml") or n.endswith(".json")] or names)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            body = src.read(name)
            if name == victim and body:
                if kind == "member-truncate":
                    body = body[: rng.randrange(len(body))]
                else:
                    b = bytearray(body)
                    for _ in range(rng.randint(1, 6)):
                        b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
                    body = bytes(b)
            dst.writestr(name, body)
    return buf.getvalue()


def _mutate_pdf(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


@pytest.fixture(scope="module")
def reports(sample_reports) -> dict[str, Path]:
    """The acme sample rendered once through the CLI (for the session): an .xlsx and a PDF report whose
    bytes are mutated into new files."""
    r = sample_reports("acme-assistant-7b.yaml")
    return {".pdf": r.pdf, ".xlsx": r.xlsx}


def _cases() -> list[tuple[str, int]]:
    return (
        [("yaml", i) for i in range(20)]
        + [("workbook", i) for i in range(10)]
        + [("report-xlsx", i) for i in range(8)]
        + [("report-pdf", i) for i in range(2)]
    )


def _run(capsys, *argv: str) -> int:
    code = main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err, (argv, out.err[-2000:])
    assert code in (0, 1, 2), (argv, code, out.err[-2000:])
    return code


@pytest.mark.parametrize("kind,index", _cases(), ids=lambda v: str(v))
def test_fuzz_cli(tmp_path, capsys, reports, kind, index):
    rng = random.Random(f"{SEED}-{kind}-{index}")
    inputs, outdir = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    outdir.mkdir()
    if kind == "yaml":
        target = inputs / "fuzzed.yaml"
        target.write_bytes(
            _mutate_text(rng, (SAMPLES / "acme-assistant-7b.yaml").read_text(encoding="utf-8"))
        )
    elif kind == "workbook":
        target = inputs / "fuzzed.xlsx"
        target.write_bytes(_mutate_zip(rng, (SAMPLES / "acme-assistant-7b.xlsx").read_bytes()))
    elif kind == "report-xlsx":
        target = inputs / "report.xlsx"
        target.write_bytes(_mutate_zip(rng, reports[".xlsx"].read_bytes()))
    else:
        target = inputs / "report.pdf"
        target.write_bytes(_mutate_pdf(rng, reports[".pdf"].read_bytes()))
    before = target.read_bytes()

    _run(capsys, "check", str(target))
    if kind.startswith("report"):
        _run(capsys, "verify", str(target), str(SAMPLES / "acme-assistant-7b.yaml"))
    else:
        _run(capsys, "verify", str(reports[".xlsx"]), str(target))
    out = outdir / "prefilled.xlsx"
    code = _run(capsys, "template", "--from", str(target), "-o", str(out))

    assert target.read_bytes() == before, "an input was modified"
    left = sorted(p.name for p in outdir.iterdir())
    assert left in ([], ["prefilled.xlsx"]), left  # nothing but the complete output, no temporary file
    assert code != 0 or left, "template said it wrote a workbook that is not there"
    if left:
        with zipfile.ZipFile(out) as z:  # a complete workbook, not a partial write
            assert z.testzip() is None
