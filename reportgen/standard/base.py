"""The base of every model of the encoded standard (strict, frozen) and its bilingual text: apart from
`model.py`, so that schemas of other parts of an edition (Annex D's `activity.yaml`) can use them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Strict):
    """A text in the standard's two languages."""

    en: str
    fr: str

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" and self.fr else self.en
