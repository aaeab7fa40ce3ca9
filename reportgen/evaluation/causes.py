"""One root cause, one finding (issue 14 item 5): what follows from a value set aside is grouped under it.

A misspelt key, or a value rejected with E-TYPE/E-UNIT, loses the input of one field (`Findings.lost`).
Whatever reports that field absent follows from it — its missing item, a rule that needed it (E-GHG-1
names its location-based field, E-BND-2 the phase statuses, `Findings.absent`) — and so does a field that
clause 8 would have derived from it (`remedy.derivation_gaps`, the formulas asked). Causality is read from
these data, never from message text. The findings are ordered root first, each followed by what it causes,
which carries `caused_by` (the root's index) and, as its fix, the root's.
"""

from __future__ import annotations

from reportgen import localized
from reportgen.evaluation.context import Context
from reportgen.evaluation.model import Finding, MissingItem
from reportgen.evaluation.remedy import derivation_gaps
from reportgen.resources import t

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class _Roots:
    """The root finding behind the absence of each field, memoised."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.memo: dict[str, Finding | None] = {}

    def of(self, fid: str, seen: frozenset[str] = frozenset()) -> Finding | None:
        if fid in self.memo:
            return self.memo[fid]
        ctx = self.ctx
        root = ctx.findings.lost.get(fid)
        f = ctx.standard.fields.get(fid)
        if root is None and fid not in ctx.values and f is not None and fid not in seen:
            for gap in derivation_gaps(ctx, f) or []:
                if (root := self.of(gap, seen | {fid})) is not None:
                    break
        self.memo[fid] = root
        return root


def _key(f: Finding) -> tuple[int, str, str]:
    return SEVERITY_ORDER[f.severity], f.code, f.field or ""


def order(ctx: Context, items: list[Finding], missing: list[MissingItem]) -> list[Finding]:
    """The findings by severity, code and field, each root cause first among its severity and followed by
    what it causes; sets `caused_by` and the consequents' fix on findings and missing items."""
    roots = _Roots(ctx)
    cause: dict[int, Finding] = {}
    for f in items:
        for fid in ctx.findings.absent.get(id(f), ()):
            root = roots.of(fid)
            if root is not None and root is not f:
                cause[id(f)] = root
                break
    following: dict[int, list[Finding]] = {}
    for f in sorted(items, key=_key):
        if id(f) in cause:
            following.setdefault(id(cause[id(f)]), []).append(f)
    heads = sorted(
        (f for f in items if id(f) not in cause),
        key=lambda f: (_key(f)[0], id(f) not in following, *_key(f)[1:]),
    )
    out: list[Finding] = []
    for head in heads:
        at = len(out)
        out.append(head)
        for f in following.get(id(head), []):
            f.caused_by = at
            f.fix = _follows(head, ctx.lang)
            out.append(f)
    index = {id(f): i for i, f in enumerate(out)}
    for m in missing:
        root = roots.of(m.field) if ctx.values.get(m.field) is None else None
        if root is not None and id(root) in index:
            m.caused_by = index[id(root)]
            m.fix = _follows(root, ctx.lang)
    return out


def _follows(root: Finding, lang: str) -> str:
    where = str(root.location) if root.location else root.field or ""
    return localized.fill(t("fix_follows", lang), {"code": root.code, "where": where, "fix": root.fix}, lang)
