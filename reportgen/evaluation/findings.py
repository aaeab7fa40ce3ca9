"""Build findings from the message templates of `findings.yaml` (Annex B), in the report language.

Findings are capped per code (`rules.yaml` findings_cap): a file of 10,000 unknown keys gives the first
50 E-FIELD findings and one more saying how many were left out, not a 500-page findings table.
"""

from __future__ import annotations

import string
from typing import Any

from reportgen.errors import StandardError
from reportgen.evaluation.model import Finding, Location
from reportgen.evaluation.wording import WorkbookWords
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
        cap = standard.rules.get("findings_cap")
        if not isinstance(cap, dict) or not isinstance(cap.get("per_code"), int):
            raise StandardError(
                f"{standard.directory / 'rules.yaml'}: findings_cap.per_code (how many findings "
                "of one code are listed) is missing; copy it from another edition."
            )
        self.cap: int = cap["per_code"]
        self.exempt: frozenset[str] = frozenset(cap.get("exempt", ()))
        self.listed: dict[str, int] = {}
        self.omitted: dict[str, int] = {}
        self._summary: dict[str, Finding] = {}
        # what causality is read from (evaluation/causes.py): the field whose input a finding made lost
        # (a rejected value, a misspelt key), and the fields a finding reports absent
        self.lost: dict[str, Finding] = {}
        self.words: WorkbookWords | None = None  # set for a workbook input: findings in its words
        self.absent: dict[int, tuple[str, ...]] = {}

    def room(self, code: str) -> bool:
        """Whether another finding of `code` will be listed (callers skip costly suggestions if not)."""
        return code in self.exempt or self.listed.get(code, 0) < self.cap

    def _leave_out(self, code: str) -> None:
        """Count a finding beyond the cap; its summary finding is listed where the first left out came."""
        self.omitted[code] = self.omitted.get(code, 0) + 1
        if code not in self._summary:
            spec = self.standard.findings[code]
            self._summary[code] = Finding(
                code=code,
                severity=spec.severity,
                field=None,
                clause=spec.clause,
                location=None,
                message="",
                fix="",
                caused_by=None,
            )
            self.items.append(self._summary[code])

    def close(self) -> dict[str, int]:
        """Word the summaries of what the cap left out; return the findings per severity, those left out
        included and the summaries not."""
        from reportgen import localized  # Babel: loaded here only
        from reportgen.resources import t

        for code, summary in self._summary.items():
            n = self.omitted[code]
            summary.message = t("findings_omitted", self.lang).format(
                total=localized.number(n + self.cap, self.lang),
                cap=localized.number(self.cap, self.lang),
                rest=localized.number(n, self.lang),
                code=code,
            )
            summary.fix = t("findings_omitted_fix", self.lang)
        out = {"error": 0, "warning": 0, "info": 0}
        summaries = {id(f) for f in self._summary.values()}
        for f in self.items:
            out[f.severity] += id(f) not in summaries
        for code, n in self.omitted.items():
            out[self.standard.findings[code].severity] += n
        return out

    def _shown(self, value: Any) -> Any:
        """A number in a message as the report language writes it (104 289 W, 0,9 in French): callers pass
        numbers, never text formatted in English."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            from reportgen import localized  # Babel: loaded only when a message has a number

            return localized.number(value, self.lang, 6)
        return value

    def add(
        self,
        code: str,
        field: str | None = None,
        location: Location | None = None,
        variant: str | None = None,
        clause: str | None = None,
        loses: str | None = None,
        absent: tuple[str, ...] = (),
        **params: Any,
    ) -> Finding | None:
        """Add a finding, or only count it (and return None) when its code already has `cap` listed.

        `loses` is the field whose given input this finding sets aside (E-TYPE, E-UNIT, a misspelt key);
        `absent` the fields whose lack the finding reports: together they say what follows from what."""
        if not self.room(code):
            self._leave_out(code)
            return None
        self.listed[code] = self.listed.get(code, 0) + 1
        spec = self.standard.findings[code]
        var = spec.variants.get(variant) if variant else None
        message = (var.message if var and var.message else spec.message).get(self.lang)
        fix = (var.fix if var and var.fix else spec.fix).get(self.lang)
        from reportgen import localized  # Babel: numbers and elision in the report language

        values = _Blank({k: self._shown(v) for k, v in params.items()})
        if self.words is not None:  # a workbook: its cells, columns and labels (issue 14 item 3)
            own = spec.workbook.get(variant or "default")
            message = own.message.get(self.lang) if own and own.message else message
            fix = own.fix.get(self.lang) if own and own.fix else fix
            for name, value in self.words.params(field, location, variant, params).items():
                if name == "field" or name not in values:
                    values[name] = value
        if field and field in self.standard.fields:
            values.setdefault("label", self.standard.fields[field].label.get(self.lang))
        values.setdefault("field", field or "")
        values.setdefault("standard", self.standard.name)
        values.setdefault("edition", self.standard.edition)
        finding = Finding(
            code=code,
            severity=spec.severity,
            field=field,
            clause=clause or spec.clause,
            location=location,
            message=localized.fill(message, values, self.lang),
            fix=localized.fill(fix, values, self.lang),
            caused_by=None,  # set by causes.order once every finding is known
        )
        self.items.append(finding)
        if loses is not None:
            self.lost.setdefault(loses, finding)
        if absent:
            self.absent[id(finding)] = absent
        return finding
