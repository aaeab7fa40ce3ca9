"""Evaluation: raw inputs typed (`values`), checked (`validation`, `rules`), derived (`calculation`),
fingerprinted (`fingerprint`), run in order by `pipeline` into the `model.Evaluation` object."""
