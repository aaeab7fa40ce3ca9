"""reportgen: check, compute and publish AI lifecycle environmental disclosures against AILD.

Library API (what the CLI uses)::

    import reportgen
    std = reportgen.load_standard()                 # AILD D1, validated against its schema
    ev = reportgen.evaluate_file("disclosure.yaml")  # or .json / .xlsx
    ev.status, ev.missing, ev.totals["energy"].value
    ev.model_dump(mode="json")                       # what `reportgen check --format json` prints
"""

from reportgen.evaluation.pipeline import evaluate, evaluate_file, evaluate_mapping, fingerprint
from reportgen.inputs import from_mapping, read_input
from reportgen.evaluation.model import Evaluation, Finding
from reportgen.standard import Standard, load_standard
from reportgen.version import __version__

__all__ = [
    "Evaluation", "Finding", "Standard", "__version__", "evaluate", "evaluate_file", "evaluate_mapping",
    "fingerprint", "from_mapping", "load_standard", "read_input",
]
