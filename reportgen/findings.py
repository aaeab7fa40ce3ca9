"""Build findings from the message templates of `findings.yaml` (Annex B), in the report language."""

from __future__ import annotations

import string
from typing import Any

from reportgen.model import Finding, Location
from reportgen.standard import Standard


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


_FMT = string.Formatter()


class Findings:
    """Collects findings; one instance per evaluation."""

    def __init__(self, standard: Standard, lang: str = "en") -> None:
        self.standard = standard
        self.lang = lang
        self.items: list[Finding] = []

    def add(
        self,
        code: str,
        field: str | None = None,
        location: Location | None = None,
        variant: str | None = None,
        clause: str | None = None,
        **params: Any,
    ) -> Finding:
        spec = self.standard.findings[code]
        var = spec.variants.get(variant) if variant else None
        message = (var.message if var and var.message else spec.message).get(self.lang)
        fix = (var.fix if var and var.fix else spec.fix).get(self.lang)
        values = _Blank(params)
        if field and field in self.standard.fields:
            values.setdefault("label", self.standard.fields[field].label.get(self.lang))
        values.setdefault("field", field or "")
        finding = Finding(
            code=code,
            severity=spec.severity,
            field=field,
            clause=clause or spec.clause,
            location=location,
            message=_FMT.vformat(message, (), values),
            fix=_FMT.vformat(fix, (), values),
        )
        self.items.append(finding)
        return finding
