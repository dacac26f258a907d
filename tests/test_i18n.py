"""The catalogues: compiled files match their sources, and English covers every message."""

import gettext

import pytest
from babel.messages.pofile import read_po

from tongket.core.i18n_compile import catalogues, compiled


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.parts[-3])
def test_mo_is_compiled_from_current_po(po):
    # A stale .mo would show old wording; `make messages` rebuilds it.
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run make messages"
    fresh = gettext.GNUTranslations(__import__("io").BytesIO(compiled(po)))
    stored = gettext.GNUTranslations(mo.open("rb"))
    assert fresh._catalog == stored._catalog


def test_english_translates_every_message():
    po = next(p for p in catalogues() if p.parts[-3] == "en")
    catalog = read_po(po.open("rb"))
    missing = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert missing == []


def test_vietnamese_is_the_source_language(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
