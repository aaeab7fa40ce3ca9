"""reportgen: check, compute and publish AI lifecycle environmental disclosures against AILD.

Library API (what the CLI uses)::

    import reportgen
    ev = reportgen.evaluate_file("disclosure.yaml")   # or .json / .xlsx; evaluate_mapping(dict); evaluate(either)
    ev.status, ev.missing, ev.totals["energy"].value
    ev.model_dump(mode="json")                        # what `reportgen check --format json` prints
    reportgen.write_pdf(ev, Path("out/report.pdf")); reportgen.write_xlsx(ev, Path("out/report.xlsx"))
    reportgen.verify_report("out/report.pdf", "disclosure.yaml").ok

Names are imported when first used, so that `import reportgen` (and `reportgen --version`) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from reportgen.version import __version__

# public name → the module that defines it
_EXPORTS = {
    "evaluate": "reportgen.evaluation.pipeline",
    "evaluate_file": "reportgen.evaluation.pipeline",
    "evaluate_mapping": "reportgen.evaluation.pipeline",
    "fingerprint": "reportgen.evaluation.fingerprint",
    "Evaluation": "reportgen.evaluation.model",
    "Finding": "reportgen.evaluation.model",
    "Standard": "reportgen.standard.model",
    "load_standard": "reportgen.standard.model",
    "from_mapping": "reportgen.inputs",
    "read_input": "reportgen.inputs",
    "present": "reportgen.presentation.summary",
    "evaluation_text": "reportgen.presentation.text",
    "build_view": "reportgen.presentation.view",
    "write_pdf": "reportgen.presentation.pdf",
    "write_xlsx": "reportgen.presentation.xlsx",
    "verify_report": "reportgen.proof.verify",
    "VerifyResult": "reportgen.proof.verify",
}

__all__ = [
    "__version__",
    "Evaluation",
    "Finding",
    "Standard",
    "VerifyResult",
    "build_view",
    "evaluate",
    "evaluate_file",
    "evaluate_mapping",
    "evaluation_text",
    "fingerprint",
    "from_mapping",
    "load_standard",
    "present",
    "read_input",
    "verify_report",
    "write_pdf",
    "write_xlsx",
]

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ imports on first use
    from reportgen.evaluation.fingerprint import fingerprint
    from reportgen.evaluation.model import Evaluation, Finding
    from reportgen.evaluation.pipeline import evaluate, evaluate_file, evaluate_mapping
    from reportgen.inputs import from_mapping, read_input
    from reportgen.presentation.pdf import write_pdf
    from reportgen.presentation.summary import present
    from reportgen.presentation.text import evaluation_text
    from reportgen.presentation.view import build_view
    from reportgen.presentation.xlsx import write_xlsx
    from reportgen.proof.verify import VerifyResult, verify_report
    from reportgen.standard.model import Standard, load_standard


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
