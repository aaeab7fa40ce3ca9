"""Réduire: what changed between two disclosures, what a portfolio of systems adds up to, and what a
reduction lever would change (issue 17).

Pure logic over Evaluation objects, no rendering and no files: `compare` (two evaluations, with the
notes that make them not like for like), `portfolio` (sums per edition and period, each system's share)
and `scenario` (overrides parsed exactly as input values are). The CLI and the reports call these.
"""

from reportgen.comparison.compare import Comparison, Line, compare
from reportgen.comparison.portfolio import Portfolio, consolidate
from reportgen.comparison.scenario import Override, apply_overrides, parse_override

__all__ = [
    "Comparison",
    "Line",
    "compare",
    "Portfolio",
    "consolidate",
    "Override",
    "apply_overrides",
    "parse_override",
]
