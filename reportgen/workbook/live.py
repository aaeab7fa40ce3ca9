"""The live status of the fill-in workbook (issue 14): Excel formulas, generated from the edition's data,
that say on every row whether `reportgen check` would list the field as missing.

Every field row carries hidden helper cells, each a formula over that row's inputs and over the helper
cells of the rows it depends on, found by their Field id (rows may be sorted, inserted or deleted):

    state   0 empty, 1 a value check would accept, 2 withheld with a valid reason, 3 a value check rejects
    code    the code of an enumeration or yes/no value ("included", "facility", "true"), else ""
    der     1 when reportgen would derive the field (clause 8) from what is filled
    num     1 when the field has a number that counts: supplied in an included phase, or derivable
    avail   1 when the field has a value of any origin (supplied, withheld, derived): M* conditions
    sat     1 when its obligation is satisfied (supplied, derived, or withheld with a reason and a note)
    mand    1 when it is mandatory: its phase included, and M, or M* with its condition holding

and a visible Status cell: 1 missing, 2 calculated by reportgen, else 0. The same questions are asked by
`evaluation.context.Context` (applies, holds, mandatory, satisfied) and `evaluation.calculation` (which
inputs each formula needs); the test suite recalculates workbooks in LibreOffice and compares the counts.
What Excel cannot judge (numbers typed as text, units, ranges, arithmetic) stays with `reportgen check`.
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.utils import quote_sheetname

from reportgen.standard import Field, Standard

DIGITS = '{"0","1","2","3","4","5","6","7","8","9"}'
BOOL_WORDS = {
    "true": ["true", "yes", "oui", "vrai", "1", "y"],
    "false": ["false", "no", "non", "faux", "0", "n"],
}
NUMERIC = {"count", "decimal", "ratio", "quantity"}
COUNTRIES = "rg_countries"


def _q(text: str) -> str:
    """A string literal of an Excel formula."""
    return '"' + text.replace('"', '""') + '"'


def blank(x: str) -> str:
    """An empty cell as the reader sees it: nothing, or only spaces and control characters."""
    return f"LEN(TRIM(CLEAN({x})))=0"


def digits(x: str) -> str:
    return f"SUMPRODUCT(--ISNUMBER(FIND({DIGITS},{x})))>0"


class LiveFormulas:
    """The formulas of one workbook: `sheet_of` says on which sheet each field's row is written, `letter`
    the column letter of each column key (visible columns and helpers)."""

    def __init__(self, std: Standard, sheet_of: dict[str, str], letter: dict[str, str]) -> None:
        self.std, self.sheet_of, self.letter = std, sheet_of, letter
        self.derivations: dict[str, Callable[[Field], str]] = {
            "energy_from_accelerator_time": self._der_energy,
            "embodied_allocation": self._der_embodied,
            "location_based_ghg": self._der_ghg,
            "water": self._der_water,
            "grid_intensity_source": self._der_grid_source,
        }

    # -- another field's cells, found by id ----------------------------------------------------------
    def at(self, fid: str, key: str, default: str = "0") -> str:
        sheet = quote_sheetname(self.sheet_of[fid])
        col, ids = self.letter[key], self.letter["field_id"]
        return f"IFERROR(INDEX({sheet}!${col}:${col},MATCH({_q(fid)},{sheet}!${ids}:${ids},0)),{default})"

    def flag(self, fid: str, key: str) -> str:
        """TRUE when helper `key` of field `fid` is 1; FALSE for a field the edition does not have."""
        return f"{self.at(fid, key)}=1" if fid in self.std.fields else "FALSE"

    def num(self, fid: str) -> str:
        return self.flag(fid, "num")

    def zero(self, fid: str) -> str:
        """The field's Value cell holds the number 0 (in any unit: still 0)."""
        if fid not in self.std.fields:
            return "FALSE"
        v = self.at(fid, "value", '""')
        return f"IFERROR(AND(ISNUMBER({v}),N({v})=0),FALSE)"

    def supplied_value(self, fid: str) -> str:
        return f"{self.at(fid, 'state')}=1"

    def code_is(self, fid: str, codes: list[str]) -> str:
        """A supplied enumeration value (ctx.raw) equal to one of `codes`."""
        code = self.at(fid, "code", '""')
        tests = ",".join(f"{code}={_q(c)}" for c in codes)
        return f"AND({self.supplied_value(fid)},OR({tests}))"

    def included(self, phase: str) -> str:
        return self.code_is(self.std.roles.status_of(phase), ["included"])

    def facility(self) -> str:
        return self.code_is(self.std.roles.energy_scope, [self.std.facility_energy_scope])

    def applies(self, f: Field) -> str:
        return self.included(f.group) if self.std.is_phase(f.group) else "TRUE"

    # -- conditions of M* fields (Context.holds) -------------------------------------------------------
    def holds(self, f: Field) -> str:
        c = f.condition
        assert c is not None
        if c.op == "any_available":
            key = c.field.split(".", 1)[1]
            terms = [
                f"AND({self.flag(f'{p}.{key}', 'avail')},{self.included(p)})"
                for p in self.std.phase_ids
                if f"{p}.{key}" in self.std.fields
            ]
            return f"OR({','.join(terms)})" if terms else "FALSE"
        if c.op == "any_supplied":
            group = c.field.removesuffix(".*")
            terms = [
                f"OR({self.at(g.id, 'state')}=1,{self.at(g.id, 'state')}=2)"
                for g in self.std.fields_of(group)
                if g.type == "quantity"
            ]
            return f"OR({','.join(terms)})" if terms else "FALSE"
        if c.op in ("supplied", "not_supplied"):
            s = self.at(c.field, "state")
            test = f"OR({s}=1,{s}=2)"
            return test if c.op == "supplied" else f"NOT({test})"
        if c.op == "available":
            return self.flag(c.field, "avail")
        values = c.value if isinstance(c.value, list) else [str(c.value)]
        target = self.std.fields[c.field]
        if target.type not in ("enum", "bool"):
            raise ValueError(
                f"{f.id}: condition {c.op} on {c.field}, which is not a choice, has no workbook formula"
            )
        if c.op in ("eq", "in"):
            return self.code_is(c.field, values)
        if c.op == "ne":
            code = self.at(c.field, "code", '""')
            return f"AND({self.supplied_value(c.field)},{code}<>{_q(values[0])})"
        raise ValueError(f"{f.id}: condition operator {c.op} has no workbook formula")

    # -- derivations of clause 8 (calculation.FORMULAS): which inputs each needs ---------------------
    def derivable(self, f: Field) -> str:
        if not f.derivable_by:
            return "FALSE"
        name = self.std.calculations.formulas[f.derivable_by].name
        if name not in self.derivations:
            raise ValueError(f"{f.id}: formula {name} (clause {f.derivable_by}) has no workbook formula")
        return self.derivations[name](f)

    def _inputs(self, f: Field) -> Callable[[str], str]:
        """The field id of each input of the formula that derives `f`, for `f`'s phase (calculations.yaml)."""
        spec = self.std.calculations.formulas[f.derivable_by or ""]
        return lambda name: spec.input(name, f.group)

    def _der_energy(self, f: Field) -> str:
        inp = self._inputs(f)
        return (
            f"AND({self.num(inp('hours'))},{self.num(inp('power'))},"
            f"OR(NOT({self.facility()}),{self.num(inp('pue'))}))"
        )

    def _der_ghg(self, f: Field) -> str:
        inp = self._inputs(f)
        return f"AND({self.num(inp('energy'))},{self.num(inp('grid'))})"

    def _der_water(self, f: Field) -> str:
        inp = self._inputs(f)
        pue = f"AND({self.num(inp('pue'))},NOT({self.zero(inp('pue'))}))"  # IT energy = energy ÷ pue
        it_energy = f"AND({self.num(inp('energy'))},OR(NOT({self.facility()}),{pue}))"
        return f"AND({self.num(inp('wue'))},{it_energy})"

    def _der_embodied(self, f: Field) -> str:
        spec = self.std.calculations.formulas[f.derivable_by or ""]
        inp = self._inputs(f)
        if f.id == inp("hours"):  # 8.4's first step: the hours summed over the phases
            terms = [
                self.num(spec.input("phase_hours", p))
                for p in spec.hours_phases
                if spec.input("phase_hours", p) in self.std.fields
            ]
            return f"OR({','.join(terms)})" if terms else "FALSE"

        def positive(name: str) -> str:
            return f"AND({self.num(inp(name))},NOT({self.zero(inp(name))}))"

        usage_ok = f"NOT(AND({self.num(inp('usage_rate'))},{self.zero(inp('usage_rate'))}))"
        term = f"OR({self.num(inp('per_accelerator'))},AND({self.num(inp('per_server'))},{positive('accelerators_per_server')}))"
        return f"AND({positive('hours')},{positive('lifetime')},{usage_ok},{term})"

    def _der_grid_source(self, f: Field) -> str:
        grid = f.id.removesuffix("_source")
        return f"AND({self.num(grid)},NOT({blank(self.at(grid, 'source', chr(34) * 2))}))"

    # -- one row ---------------------------------------------------------------------------------------
    def code_of(self, x: str, enum: str) -> str:
        """The code an enumeration cell stands for (ValueParser.enum: code, label in en or fr, any case)."""
        if enum == "bool":
            low = f"LOWER(TRIM({x}))"
            out = '""'
            for code in ("false", "true"):
                out = f"IF(OR({','.join(f'{low}={_q(w)}' for w in BOOL_WORDS[code])}),{_q(code)},{out})"
            return f'IF(ISLOGICAL({x}),IF({x},"true","false"),{out})'
        low = f"LOWER(TRIM({x}))"
        fold = f'SUBSTITUTE(SUBSTITUTE({low}," ","_"),"-","_")'
        out = '""'
        for code, label in reversed(list(self.std.enums[enum].items())):
            spellings = sorted({label.en.lower(), label.fr.lower()} - {code})
            tests = [f"{fold}={_q(code)}"] + [f"{low}={_q(s)}" for s in spellings]
            out = f"IF(OR({','.join(tests)}),{_q(code)},{out})"
        return out

    def valid(self, f: Field, v: str, r: int) -> str:
        """A non-empty Value cell that the parser accepts, as far as a formula can tell (values.scalar)."""
        if f.type in ("enum", "bool"):
            return f'${self.letter["code"]}{r}<>""'
        if f.type == "count":
            return f"IF(ISNUMBER({v}),{v}=INT({v}),{digits(v)})"
        if f.type in NUMERIC:
            return f"IF(ISNUMBER({v}),TRUE,{digits(v)})"
        if f.type == "date":
            s = f"TRIM({v})"
            m, d, y = f"--MID({s},6,2)", f"--MID({s},9,2)", f"--LEFT({s},4)"
            iso = (
                f'IFERROR(AND(LEN({s})=10,MID({s},5,1)="-",MID({s},8,1)="-",{m}>=1,{m}<=12,{d}>=1,'
                f"{d}<=DAY(DATE({y},{m}+1,0))),FALSE)"
            )
            return f"IF(ISNUMBER({v}),TRUE,{iso})"
        if f.type == "country":
            return f"SUMPRODUCT(--EXACT({COUNTRIES},UPPER(TRIM({v}))))>0"
        if f.type == "email":
            s = f"TRIM({v})"
            return (
                f'IFERROR(AND(ISERROR(FIND(" ",{s})),LEN({s})-LEN(SUBSTITUTE({s},"@",""))=1,'
                f'FIND("@",{s})>1,RIGHT({s},1)<>".",ISNUMBER(FIND(".",{s},FIND("@",{s})+2))),FALSE)'
            )
        return "TRUE"

    def row(self, f: Field, r: int) -> dict[str, str]:
        """The formulas of the status and helper cells of field `f` written on row `r`."""
        c = {k: f"${self.letter[k]}{r}" for k in self.letter}
        v, w = c["value"], c["withheld"]
        meta = [
            f'OR({blank(c["method"])},{self.code_of(c["method"], "method")}<>"")',
            f"OR({blank(c['uncertainty'])},IF(ISNUMBER({c['uncertainty']}),AND({c['uncertainty']}>=0,"
            f"{c['uncertainty']}<=100),{digits(c['uncertainty'])}))",
        ]
        if f.type != "quantity":
            meta.append(blank(c["unit"]))
        reason = self.code_of(w, "withheld_reason")
        state = (
            f'=IFERROR(IF({blank(v)},IF({blank(w)},0,IF({reason}<>"",2,3)),'
            f"IF({blank(w)},IF(AND({self.valid(f, v, r)},{','.join(meta)}),1,3),3)),3)"
        )
        applies = self.applies(f)
        der = self.derivable(f)
        s, d = c["state"], c["der"]
        note_ok = f"NOT({blank(c['note'])})"
        satisfies = ",".join(f"{reason}={_q(x)}" for x in self.std.withheld_satisfies)
        if f.obligation == "M":
            mand = f"=IF({applies},1,0)"
        elif f.obligation == "M*":
            mand = f"=IF(AND({applies},{self.holds(f)}),1,0)"
        else:
            mand = "=0"
        out = {
            "state": state,
            "code": f"={self.code_of(v, f.enum or 'bool')}" if f.type in ("enum", "bool") else '=""',
            "der": f"=IF(AND({s}<>1,{s}<>2,{applies},{der}),1,0)" if der != "FALSE" else "=0",
            "num": f"=IF(AND({applies},OR({s}=1,{d}=1)),1,0)",
            "avail": f"=IF(OR({s}=1,{s}=2,{d}=1),1,0)",
            "sat": f"=IF(OR({s}=1,{d}=1,AND({s}=2,{note_ok},OR({satisfies}))),1,0)",
            "mand": mand,
            "status": f"=IF(AND({c['mand']}=1,{c['sat']}=0),1,IF({d}=1,2,0))",
        }
        return out
