"""Verifier signatures (issue 6): an Ed25519 key pair, a signed statement about one report file.

A verifier who has checked a report signs a small statement: the report's fingerprint (clause 10), the
SHA-256 of the exact report bytes, the standard edition, who verified, at which level, and when. The
signature covers the RFC 8785 canonical JSON of the statement, so any edit to the statement, any change to
the report bytes or the wrong public key is detected. Keys are plain PEM files: the private key is PKCS8
and *unencrypted* (the file is created with mode 0600), so keeping it safe is the verifier's job.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from reportgen.errors import InputError, OutputError
from reportgen.inputs.tree import read_bytes
from reportgen.proof.payload import loads

SIGNATURE_FORMAT = "reportgen-signature/1"
PRIVATE_NAME = "PRIVATE.pem"
PUBLIC_NAME = "PUBLIC.pem"
STATEMENT_KEYS = (
    "fingerprint",
    "report_sha256",
    "standard",
    "edition",
    "verifier",
    "verification_level",
    "date",
    "tool_version",
)
MAX_KEY_BYTES = 64 * 1024
MAX_SIG_BYTES = 1024 * 1024
ALGORITHM = "Ed25519"
KEY_NAMES = (PRIVATE_NAME, PUBLIC_NAME)
_PEM_KEY = re.compile(rb"-----BEGIN [A-Z0-9 ]*(PRIVATE|PUBLIC) KEY-----")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks (reports can be large)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return h.hexdigest()


def signature_path(report: Path) -> Path:
    """`REPORT.sig.json` beside the report (the full report name is kept: a.pdf → a.pdf.sig.json)."""
    return report.with_name(report.name + ".sig.json")


# --- keys -------------------------------------------------------------------------------------------


def generate_keypair(directory: Path) -> tuple[Path, Path]:
    """Write DIR/PRIVATE.pem (PKCS8, unencrypted, mode 0600) and DIR/PUBLIC.pem; never overwrite a key."""
    directory = Path(directory)
    private_path, public_path = directory / PRIVATE_NAME, directory / PUBLIC_NAME
    for p in (private_path, public_path):
        if p.exists():
            raise OutputError(
                f"{p} already exists; a key is never overwritten. Choose another folder or "
                "move the old keys away first."
            )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {directory}: {exc.strerror}") from None
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write_new(private_path, private_pem, 0o600)
    _write_new(public_path, public_pem, 0o644)
    return private_path, public_path


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create the file with its final mode from the start (O_EXCL: no race, no window with mode 0644)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(path, mode)  # the umask may have narrowed the mode given to open()
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _read_small(path: Path, what: str, limit: int) -> bytes:
    return read_bytes(Path(path), limit, what=f"a {what} file", fix="")


def load_private_key(path: Path) -> Ed25519PrivateKey:
    data = _read_small(path, "private key", MAX_KEY_BYTES)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise InputError(
            f"{path} is an encrypted private key; reportgen uses the unencrypted PKCS8 key "
            "written by `reportgen keygen`."
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise InputError(
            f"{path} is not a PEM private key; use the PRIVATE.pem written by `reportgen keygen DIR`."
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(
            f"{path} holds a {type(key).__name__.removeprefix('_')} key; reportgen signs "
            "with Ed25519 keys made by `reportgen keygen DIR`."
        )
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    data = _read_small(path, "public key", MAX_KEY_BYTES)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise InputError(
            f"{path} is not a PEM public key; use the PUBLIC.pem written by `reportgen keygen DIR`."
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(f"{path} is not an Ed25519 public key; reportgen signatures use Ed25519 keys.")
    return key


def public_key_fingerprint(key: Ed25519PublicKey) -> str:
    """`sha256:` + hex SHA-256 of the raw 32-byte public key: names a key without showing it."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


# --- statements and signatures ----------------------------------------------------------------------


def sign_statement(statement: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The signature document: the statement, the base64 Ed25519 signature and the signer's key id."""
    missing = [k for k in STATEMENT_KEYS if k not in statement]
    if missing:
        raise ValueError(f"statement lacks {', '.join(missing)}")
    signature = key.sign(rfc8785.dumps(statement))
    return {
        "format": SIGNATURE_FORMAT,
        "algorithm": ALGORITHM,
        "statement": statement,
        "signature": base64.b64encode(signature).decode("ascii"),
        "public_key_fingerprint": public_key_fingerprint(key.public_key()),
    }


def dumps_signature(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def read_signature(path: Path) -> dict[str, Any]:
    """Read and shape-check a signature file; anything malformed is an InputError (exit 2)."""
    data = _read_small(path, "signature", MAX_SIG_BYTES)
    try:
        doc = loads(data, max_depth=8)  # reportgen writes depth 2; deeper is not a signature file
    except ValueError as exc:
        raise InputError(f"{path} is not a JSON signature file ({exc}).") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("statement"), dict):
        raise InputError(f"{path} is not a reportgen signature file: no 'statement' object.")
    # `format` and `algorithm` are outside the signed statement: only the exact values are accepted, so
    # an edited one can never change how the signature is read.
    for key, expected in (("format", SIGNATURE_FORMAT), ("algorithm", ALGORITHM)):
        if doc.get(key) != expected:
            raise InputError(
                f"{path}: '{key}' is {str(doc.get(key))[:40]!r}; a reportgen signature file says "
                f"'{expected}'. It was edited, or written by another tool."
            )
    statement = doc["statement"]
    absent = [k for k in STATEMENT_KEYS if k not in statement]
    if absent:
        raise InputError(
            f"{path}: the statement lacks {', '.join(absent)}; it was not written by `reportgen sign`."
        )
    not_text = [k for k in STATEMENT_KEYS if not isinstance(statement[k], str)]
    if not_text:
        raise InputError(
            f"{path}: the statement's {', '.join(not_text)} should be text; it was not written "
            "by `reportgen sign`."
        )
    if not isinstance(doc.get("signature"), str):
        raise InputError(f"{path} has no 'signature' text.")
    try:
        raw = base64.b64decode(doc["signature"], validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{path}: 'signature' is not valid base64.") from None
    if len(raw) != 64:
        raise InputError(f"{path}: 'signature' is {len(raw)} bytes; an Ed25519 signature is 64 bytes.")
    return doc


def check_output(path: Path, force: bool) -> None:
    """Where a signature may be written: never over a key (even with --force), over another existing
    file only with --force. Called before any work, so nothing is overwritten by mistake."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give the signature file's name (e.g. REPORT.sig.json).")
    if not path.exists() and not path.is_symlink():
        return
    try:
        with open(path, "rb") as f:
            head = f.read(MAX_KEY_BYTES)
    except OSError:
        head = b""
    if path.name in KEY_NAMES or _PEM_KEY.search(head):
        raise OutputError(
            f"{path} is a key file; a signature is never written over a key, even with "
            "--force. Choose another output name."
        )
    if not force:
        raise OutputError(f"{path} already exists; give --force to replace it, or another name with -o.")


def signature_valid(doc: dict[str, Any], key: Ed25519PublicKey) -> bool:
    """True when the signature in `doc` (from read_signature) covers its statement under `key`."""
    try:
        key.verify(base64.b64decode(doc["signature"]), rfc8785.dumps(doc["statement"]))
    except InvalidSignature:
        return False
    except (rfc8785.CanonicalizationError, ValueError, TypeError):
        return False  # a statement that cannot be canonicalized was not signed by reportgen
    return True
