"""Renderers of the evaluation: PDF (WeasyPrint) and Excel (openpyxl) disclosures."""
