"""Presentation of an Evaluation: the view model, numbers and units formatted per language (`fmt`), and the
PDF and Excel disclosures that lay it out."""
