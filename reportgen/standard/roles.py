"""The fields the code gives a meaning to, named by role (`roles:` in an edition's `standard.yaml`).

Python never writes a field id: it asks the edition which field plays a role (`std.roles.system_name`,
`std.roles.status_of("training")`), so an edition that renames a field changes one line of data. The
roles are typed: a role the code needs and the edition lacks fails when the edition loads ("roles.
system_name: Field required"), and so does a role naming a field the edition does not have.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportgen.standard.base import _Strict

PHASE = "PHASE"  # in a per-phase role, the place of the phase id (as in fields.yaml)
PER_PHASE = frozenset({"phase_status", "phase_justification"})


class Roles(_Strict):
    """One field id per role; a per-phase role is written with PHASE (`boundary.phases.PHASE`)."""

    # identification (clause 5)
    report_language: str
    publication_date: str
    period_start: str
    period_end: str
    organization_name: str
    system_name: str
    model_name: str
    model_version: str
    # boundary (clause 6)
    phase_status: str  # per phase
    phase_justification: str  # per phase
    lca_scope: str
    energy_scope: str
    electricity_accounting: str
    # functional units (7.5.3)
    per_request_basis: str
    requests: str
    output_tokens: str
    # verification (clause 10)
    verification_level: str
    verification_provider: str
    verification_date: str
    verification_statement: str
    verification_standard: str

    def status_of(self, phase: str) -> str:
        """The field of a phase's status in the boundary (included, excluded, not applicable)."""
        return self.phase_status.replace(PHASE, phase)

    def justification_of(self, phase: str) -> str:
        """The field that justifies a phase left out of the boundary."""
        return self.phase_justification.replace(PHASE, phase)

    def problems(self, fields: Iterable[str], phases: list[str]) -> list[str]:
        """Every role must name a field of the edition (a per-phase role, one for each phase)."""
        known = set(fields)
        out = []
        for name, fid in self.model_dump().items():
            if (PHASE in fid) != (name in PER_PHASE):
                out.append(
                    f"roles.{name}: '{fid}' " + ("needs" if name in PER_PHASE else "cannot have") + " PHASE"
                )
                continue
            wanted = [fid.replace(PHASE, p) for p in phases] if PHASE in fid else [fid]
            out += [f"roles.{name}: '{w}' is not a field" for w in wanted if w not in known]
        return out
