"""`reportgen serve`, its JSON API and its page without a browser (Starlette's TestClient): the CLI's JSON
and messages, the statuses of errors, the limits, the token, the headers, the private temporary folders."""

from __future__ import annotations

import asyncio
import html
import io
import json
import os
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
from starlette.testclient import TestClient  # noqa: E402

from reportgen.commands.main import main  # noqa: E402
from reportgen.web import adapter, security  # noqa: E402
from reportgen.web.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
ACME_XLSX = SAMPLES / "acme-assistant-7b.xlsx"
LOCAL = "http://127.0.0.1:8765"


def cli_json(capsys, *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def upload(path: Path, name: str | None = None) -> dict:
    return {"file": (name or path.name, path.read_bytes())}


@pytest.fixture(scope="module")
def acme_pdf(sample_reports) -> bytes:
    """The acme report, for the tests that verify it: the run's `render` of the sample (rendered once for
    every module; /api/render's own PDF is checked in test_render_pdf_xlsx_zip_and_they_verify)."""
    return sample_reports("acme-assistant-7b.yaml").pdf_bytes


@pytest.fixture(scope="module")
def llama_workbook(tmp_path_factory) -> Path:
    """An incomplete workbook: the Llama sample copied into a fresh template."""
    d = tmp_path_factory.mktemp("wb")
    assert main(["template", "--from", str(SAMPLES / "llama-3.1-405b.yaml"), str(d / "llama.xlsx")]) == 0
    return d / "llama.xlsx"


# --- /api/check: the CLI's object -------------------------------------------------------------------


@pytest.mark.parametrize("sample", ["acme-assistant-7b.xlsx", "llama-3.1-405b.yaml", "mistral-large-2.yaml"])
def test_check_returns_exactly_the_cli_json(client, capsys, monkeypatch, sample):
    monkeypatch.chdir(SAMPLES)  # the CLI names the file as given: give it the bare name, as the upload does
    code, expected = cli_json(capsys, "check", sample, "--format", "json")
    r = client.post("/api/check", files=upload(SAMPLES / sample))
    assert r.status_code == 200  # incomplete disclosures too: the evaluation is the answer
    assert r.json() == expected
    assert r.headers["content-type"].startswith("application/json")


def test_check_in_french_and_missing_items_name_their_cells(client, capsys, llama_workbook, monkeypatch):
    monkeypatch.chdir(llama_workbook.parent)
    _, expected = cli_json(capsys, "check", "llama.xlsx", "--format", "json", "--lang", "fr")
    r = client.post("/api/check?lang=fr", files=upload(llama_workbook))
    assert r.json() == expected
    assert r.json()["language"] == "fr"
    cells = {m["field"]: m["location"]["cell"] for m in r.json()["missing_items"]}
    assert cells["training.grid_intensity"].startswith("Training!D")
    assert all(m["location"]["file"] == "llama.xlsx" for m in r.json()["missing_items"])


def test_errors_in_a_disclosure_are_still_200(client):
    text = (
        (SAMPLES / "acme-assistant-7b.yaml").read_text(encoding="utf-8").replace("pue: 1.12", "pue: 0.5", 1)
    )
    r = client.post("/api/check", files={"file": ("acme.yaml", text.encode())})
    assert r.status_code == 200
    assert r.json()["status"] == "incomplete" and r.json()["counts"]["error"] >= 1


def test_unreadable_file_is_400_with_the_cli_message(client, capsys, tmp_path, monkeypatch):
    (tmp_path / "broken.yaml").write_text("training:\n  energy: [1,\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["check", "broken.yaml"]) == 2
    cli_message = capsys.readouterr().err.strip().removeprefix("reportgen: ")
    r = client.post("/api/check", files=upload(tmp_path / "broken.yaml"))
    assert r.status_code == 400
    assert r.json() == {"error": cli_message, "status": 400}


def test_client_file_names_are_never_paths(client, tmp_root, monkeypatch):
    seen = []
    real = adapter.check

    def spy(upload, lang):
        seen.append(upload)
        return real(upload, lang)

    monkeypatch.setattr(adapter, "check", spy)
    r = client.post("/api/check", files=upload(ACME_XLSX, "../../../etc/cron.d/evil.xlsx"))
    assert r.status_code == 200 and r.json()["source"] == "evil.xlsx"
    stored = seen[0].path
    assert stored.name == "input.xlsx" and stored.parent.parent == tmp_root
    assert not stored.exists()  # deleted with its folder once the response was made


# --- limits and types --------------------------------------------------------------------------------


def test_declared_oversize_body_is_413_before_reading(client):
    def body():  # never consumed: the declared length is refused first
        raise AssertionError("the body was read")
        yield b""  # pragma: no cover

    r = client.post(
        "/api/check",
        content=body(),
        headers={
            "content-type": "multipart/form-data; boundary=x",
            "content-length": str(2 * adapter.BUNDLE_LIMIT),
        },
    )
    assert r.status_code == 413 and "MiB" in r.json()["error"]


def test_streamed_oversize_file_is_413(client):
    big = b"a: 1\n" + b"#" * (adapter.UPLOAD_LIMIT + 10)
    r = client.post("/api/check", files={"file": ("big.yaml", big)})
    assert r.status_code == 413
    assert r.json()["error"].startswith("big.yaml is over 10 MiB")


def test_counted_while_streaming_even_without_content_length(client, tmp_root):
    from reportgen.web import uploads

    seen = []

    async def stream():
        head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.yaml"\r\n\r\n'
        yield head
        for _ in range(12):
            seen.append(1)
            yield b"#" * (1024 * 1024)

    with pytest.raises(Exception) as exc:
        asyncio.run(
            uploads.receive_form(
                "multipart/form-data; boundary=b",
                None,
                stream(),
                {"file": uploads.FileSpec("input", (".yaml",), adapter.UPLOAD_LIMIT)},
                tmp_root,
            )
        )
    assert getattr(exc.value, "status", None) == 413
    assert len(seen) == 11  # stopped at the first chunk past 10 MiB, not at the end
    assert list(tmp_root.iterdir()) == []


def test_wrong_types_are_415(client):
    r = client.post("/api/check", files={"file": ("report.pdf", b"%PDF-1.7")})
    assert r.status_code == 415 and "report.pdf" in r.json()["error"]
    r = client.post("/api/check", content=b"a: 1", headers={"content-type": "application/yaml"})
    assert r.status_code == 415 and "multipart/form-data" in r.json()["error"]


def test_missing_field_and_bad_parameters_are_400(client):
    r = client.post("/api/check", files={"other": ("x.yaml", b"a: 1")})
    assert r.status_code == 400 and "'file'" in r.json()["error"]
    for url in ("/api/render?format=docx", "/api/render?lang=de"):
        r = client.post(url, files=upload(ACME_XLSX))
        assert r.status_code == 400 and "takes" in r.json()["error"]
    r = client.get("/api/template?edition=D9")
    assert r.status_code == 400 and "D1" in r.json()["error"]


def test_unknown_routes_and_methods_are_json_under_api(client):
    assert client.get("/api/nothing").status_code == 404
    r = client.get("/api/check")
    assert r.status_code == 405 and r.json()["status"] == 405


# --- render, template, verify -------------------------------------------------------------------------


def test_render_pdf_xlsx_zip_and_they_verify(client, llama_workbook):
    r = client.post("/api/render?format=pdf", files=upload(llama_workbook))
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert r.headers["x-reportgen-status"] == "incomplete"
    assert re.search(r'filename="Llama-3\.1-[^"]*AILD-D1(\.\d+)?\.pdf"', r.headers["content-disposition"])
    pdf = r.content
    v = client.post(
        "/api/verify",
        files={"report": ("llama.pdf", pdf), "input": ("llama.xlsx", llama_workbook.read_bytes())},
    )
    assert v.status_code == 200 and v.json()["verified"] is True, v.json()
    assert any(c["name"] == "input file" and "llama.xlsx" in c["detail"] for c in v.json()["checks"])
    r = client.post("/api/render?format=xlsx&lang=fr", files=upload(ACME_XLSX))
    assert r.content.startswith(b"PK") and r.headers["x-reportgen-status"] == "complete"
    assert client.post("/api/verify", files={"report": ("acme.xlsx", r.content)}).json()["verified"] is True
    r = client.post("/api/render?format=zip", files=upload(llama_workbook))  # half acme's pages to lay out
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["pdf", "xlsx"]


def test_verify_with_signature_and_a_tampered_report(client, acme_pdf, tmp_path, capsys):
    report = acme_pdf
    (tmp_path / "r.pdf").write_bytes(report)
    assert main(["keygen", str(tmp_path / "k")]) == 0
    assert main(["sign", str(tmp_path / "r.pdf"), "--key", str(tmp_path / "k" / "PRIVATE.pem")]) == 0
    files = {
        "report": ("r.pdf", report),
        "signature": ("r.pdf.sig.json", (tmp_path / "r.pdf.sig.json").read_bytes()),
        "public_key": ("PUBLIC.pem", (tmp_path / "k" / "PUBLIC.pem").read_bytes()),
    }
    v = client.post("/api/verify", files=files).json()
    assert v["verified"] is True and {"signature", "signed file"} <= {c["name"] for c in v["checks"]}
    assert v["report"] == "r.pdf"  # the sender's name, never the server's temporary path
    changed = report + b"\n% one more line\n"  # still a valid PDF, no longer the signed bytes
    v = client.post("/api/verify", files={**files, "report": ("r.pdf", changed)})
    assert v.status_code == 200 and v.json()["verified"] is False
    assert [c["name"] for c in v.json()["checks"] if not c["ok"]] == ["signed file"]
    r = client.post("/api/verify", files={"report": ("r.pdf", report), "signature": files["signature"]})
    assert r.status_code == 400 and "public key" in r.json()["error"]


def test_verify_refuses_what_is_not_a_report(client):
    r = client.post("/api/verify", files={"report": ("notes.xlsx", b"hello, not a zip")})
    assert r.status_code == 400
    assert r.json()["error"].startswith("notes.xlsx is neither a PDF nor an Excel workbook")
    assert "reportgen-web-" not in r.json()["error"]


def test_template_in_each_language_and_edition(client):
    from openpyxl import load_workbook

    for query, needle in (
        ("lang=fr", "Entraînement"),
        ("lang=en&edition=D1", "Training"),
        ("edition=AILD%20D1", "Training"),
    ):
        r = client.get(f"/api/template?{query}")
        assert r.status_code == 200 and r.content.startswith(b"PK")
        assert needle in load_workbook(io.BytesIO(r.content)).sheetnames

    wb = load_workbook(io.BytesIO(client.get("/api/template?lang=fr").content))
    assert "Entraînement" in wb.sheetnames
    for e in adapter.editions():  # every shipped edition, its own workbook (the reader refuses another's)
        r = client.get(f"/api/template?edition={e.edition}")
        assert (
            r.headers["content-disposition"] == f'attachment; filename="{e.id}-{e.edition}-template-en.xlsx"'
        )
        wb = load_workbook(io.BytesIO(r.content))
        assert wb.custom_doc_props["reportgen.edition"].value == e.edition
    assert (
        client.get("/api/template")
        .headers["content-disposition"]
        .endswith(f'-{adapter.editions()[-1].edition}-template-en.xlsx"')
    )  # the latest by default


def test_editions_and_openapi(client):
    editions = client.get("/api/editions").json()
    assert {"id": "AILD", "edition": "D1"} in editions["editions"]
    doc = client.get("/api/openapi.json").json()
    api_routes = {r.path for r in create_app().app.routes if getattr(r, "path", "").startswith("/api/")}
    assert set(doc["paths"]) == api_routes
    evaluation = doc["components"]["schemas"]["Evaluation"]
    assert {"status", "missing_items", "findings", "fingerprint"} <= set(evaluation["properties"])
    assert "$defs" not in json.dumps(doc)


# --- safety -----------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
        self.inline += [f"{tag}[{k}]" for k in a if k.startswith("on") or k == "style"]
        if tag in ("link", "script", "img") and re.match(
            r"(https?:)?//", a.get("src") or a.get("href") or ""
        ):
            self.inline.append(f"remote {tag}")


def test_page_has_strict_csp_no_inline_script_and_only_local_assets(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    tags = _Tags()
    tags.feed(r.text)
    assert tags.scripts == [{"src": "/static/app.js", "defer": None}]
    assert tags.inline == []
    for asset in ("/static/app.js", "/static/app.css", "/static/icon.svg"):
        assert client.get(asset).status_code == 200


def test_token_required_on_every_request_when_set(tmp_root, monkeypatch):
    calls = []
    real = security.hmac.compare_digest
    monkeypatch.setattr(security.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    token = "t" * 32
    with TestClient(
        create_app(token=token, loopback=False, tmp_root=tmp_root), base_url="http://192.0.2.7:8765"
    ) as c:
        assert c.get("/").status_code == 401
        assert c.get("/static/app.css").status_code == 401
        r = c.post("/api/check", files=upload(ACME_XLSX))
        assert r.status_code == 401 and "token" in r.json()["error"]
        assert c.get("/", headers={"authorization": "Bearer " + "x" * 32}).status_code == 401
        assert c.get("/api/editions", headers={"authorization": f"Bearer {token}"}).status_code == 200
        r = c.get(f"/verify?token={token}&lang=fr", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/verify?lang=fr"
        assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=Strict" in r.headers["set-cookie"]
        assert c.get("/verify?lang=fr").status_code == 200  # the cookie now carries it
    assert calls, "the token was not compared with hmac.compare_digest"


def test_loopback_answers_only_loopback_host_names(tmp_root):
    with TestClient(create_app(tmp_root=tmp_root), base_url="http://attacker.example:8765") as c:
        assert c.get("/").status_code == 400
    with TestClient(create_app(tmp_root=tmp_root), base_url="http://localhost:8765") as c:
        assert c.get("/").status_code == 200


def test_post_from_another_site_is_refused(client):
    r = client.post("/api/check", files=upload(ACME_XLSX), headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    r = client.post("/api/check", files=upload(ACME_XLSX), headers={"origin": LOCAL})
    assert r.status_code == 200


def test_rendering_runs_off_the_event_loop(client, monkeypatch):
    where = []
    real = adapter.render

    def spy(ev, fmt, folder):
        try:
            asyncio.get_running_loop()
            where.append("event loop")
        except RuntimeError:
            where.append("worker thread")
        return real(ev, fmt, folder)

    monkeypatch.setattr(adapter, "render", spy)
    assert client.post("/api/render?format=xlsx", files=upload(ACME_XLSX)).status_code == 200
    assert where == ["worker thread"]


# --- the page as plain HTML forms (no JavaScript) -----------------------------------------------------


def test_page_follows_accept_language_and_switch(client):
    assert 'lang="fr"' in client.get("/", headers={"accept-language": "fr-CH, fr;q=0.9, en;q=0.8"}).text
    assert 'lang="en"' in client.get("/", headers={"accept-language": "de, en;q=0.5, fr;q=0.4"}).text
    assert 'lang="en"' in client.get("/?lang=en", headers={"accept-language": "fr"}).text
    page = client.get("/").text
    editions = adapter.editions()
    assert all(f'<option value="{e.label}"' in page for e in editions)  # every shipped edition offered
    assert f'<option value="{editions[-1].label}" selected>' in page  # the latest chosen


def test_form_post_shows_status_missing_by_sheet_and_findings(client, llama_workbook):
    r = client.post("/", data={"action": "check", "lang": "en"}, files=upload(llama_workbook))
    assert r.status_code == 200
    assert "Incomplete — 11 mandatory items missing" in r.text
    assert "Sheet “Training”" in r.text and "Fill Training!D14 (" in r.text
    r = client.post("/", data={"action": "pdf", "lang": "fr"}, files=upload(llama_workbook))
    assert r.content.startswith(b"%PDF-") and "attachment" in r.headers["content-disposition"]


def test_form_sample_button_and_broken_file_in_french(client):
    r = client.post("/", data={"try": "acme-assistant-7b.xlsx", "lang": "fr"}, files={"file": ("", b"")})
    assert (
        r.status_code == 200
        and "Complet" in r.text
        and 'name="sample" value="acme-assistant-7b.xlsx"' in r.text
    )
    r = client.post(  # the sample downloaded (the form's pdf: test_form_post_shows…; its zip: test_web_browser)
        "/",
        data={"sample": "acme-assistant-7b.xlsx", "action": "xlsx", "lang": "en"},
        files={"file": ("", b"")},
    )
    assert r.headers["content-type"] == adapter.MEDIA_TYPES["xlsx"] and r.content.startswith(b"PK")
    r = client.post(
        "/", data={"action": "check", "lang": "fr"}, files={"file": ("cassé.xlsx", b"PK\x03\x04 broken")}
    )
    assert r.status_code == 400 and "Le fichier n'a pas pu être utilisé" in html.unescape(r.text)
    assert "cassé.xlsx" in r.text
    r = client.post("/", data={"action": "pdf", "lang": "en"}, files={"file": ("", b"")})
    assert r.status_code == 400 and "Choose a file first" in r.text
    assert client.get("/samples/..%2Fpyproject.toml").status_code == 404


def test_verify_tab_form(client):
    report = client.post("/api/render?format=xlsx", files=upload(ACME_XLSX)).content
    r = client.post("/verify", data={"lang": "fr"}, files={"report": ("acme.xlsx", report)})
    assert r.status_code == 200 and "Contrôlé" in r.text and "réussi" in r.text


# --- the command --------------------------------------------------------------------------------------


def test_serve_command_refuses_a_short_token_and_a_busy_port(capsys):
    import socket

    assert main(["serve", "--token", "short"]) == 2
    assert "at least 16" in capsys.readouterr().err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        assert main(["serve", "--port", str(s.getsockname()[1])]) == 2
        assert "--port" in capsys.readouterr().err


def test_serve_on_a_network_address_generates_and_requires_a_token(capsys, monkeypatch):
    import uvicorn

    from reportgen.commands import serve

    apps = []

    class FakeSocket:
        def getsockname(self):
            return ("192.0.2.7", 8765)

        def close(self):
            pass

    monkeypatch.setattr(serve, "_bind", lambda host, port: FakeSocket())
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: apps.append(self.config.app))
    assert main(["serve", "--host", "192.0.2.7"]) == 0
    out = capsys.readouterr().out
    token = re.search(r"\?token=(\S+)", out).group(1)
    assert len(token) >= 32 and apps[0].token == token and apps[0].loopback is False
    assert main(["serve", "--token", "y" * 20]) == 0
    assert apps[1].token == "y" * 20 and "token=" in capsys.readouterr().out
    assert os.environ.get("REPORTGEN_DEBUG") is None


def test_only_the_adapter_calls_the_library():
    """The restructuring of issue 11 must only have to change reportgen/web/adapter.py."""
    import ast

    folder = ROOT / "reportgen" / "web"
    for path in folder.glob("*.py"):
        if path.name == "adapter.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            for name in names:
                assert not name.startswith("reportgen") or name.startswith("reportgen.web"), (path.name, name)


def test_verify_tab_in_french_names_each_check_in_french(client, acme_pdf):
    report = acme_pdf
    page = html.unescape(
        client.post("/verify", data={"lang": "fr"}, files={"report": ("a.pdf", report)}).text
    )
    assert "empreinte enregistrée" in page and "éléments manquants" in page
    api = client.post("/api/verify", files={"report": ("a.pdf", report)}).json()
    assert "text" not in api["checks"][0]  # the API keeps verify's JSON, in English
