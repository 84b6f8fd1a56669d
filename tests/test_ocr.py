"""Scanned PDFs read offline (assistant/ingest/ocr.py): a seed typeset to PDF, its pages
rendered to pictures and put back together as an image-only PDF — a scan with no text
layer — is ingested with RapidOCR's packaged PP-OCR models. The OCR text must match the
seed's (character accuracy ≥ 0.98), keep its page numbers, mark every citation from an OCR
page, and answer the smoke questions as the text copy does.
"""

from __future__ import annotations

import difflib
import io
import re
import unicodedata

import pytest

from assistant.core.types import OCR_NOTE
from assistant.ingest.pipeline import ingest_paths, prepare
from tests.test_formats import FONT, _pdf_fonts

pytest.importorskip("rapidocr")
pytestmark = pytest.mark.skipif(not __import__("os").path.exists(FONT), reason="WenQuanYi font not installed")


def typeset(text: str) -> bytes:
    """The seed as a text PDF: one paragraph per line, flowing over A4 pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    body, title = _pdf_fonts()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    story = [Paragraph(ln, title if i == 0 else body) for i, ln in enumerate(lines)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def scanned(pdf: bytes, dpi: int = 150) -> bytes:
    """Every page rendered to a picture and saved as an image-only PDF, as a scanner would."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    images = [doc[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(doc))]
    doc.close()
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


def _bare(text: str) -> str:
    """For comparing characters: NFKC (full-width commas are commas), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def char_accuracy(got: str, want: str) -> float:
    """1 - (character edits / length of the reference), from difflib's matching blocks."""
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(want)


@pytest.fixture(scope="module")
def scans(tmp_path_factory, seeds_dir):
    folder = tmp_path_factory.mktemp("scans")
    for name in ("dengkou-2021", "wuhai-2023"):
        (folder / f"{name}.pdf").write_bytes(scanned(typeset((seeds_dir / f"{name}.txt").read_text("utf-8"))))
    return folder


def test_a_scanned_seed_is_read_by_ocr_with_its_pages_and_the_seeds_characters(scans, seeds_dir, settings_factory):
    settings = settings_factory()
    for name in ("dengkou-2021", "wuhai-2023"):
        report, chunks = prepare(scans / f"{name}.pdf", settings)
        assert report.format == "pdf" and report.ocr_pages == list(range(1, len(report.ocr_pages) + 1))
        assert len(report.ocr_pages) >= 2 and any("OCR" in n for n in report.notes)
        # Against what the text copy ingests to (the web page's footer is cleaned off both).
        _, text_chunks = prepare(seeds_dir / f"{name}.txt", settings)
        want = _bare("".join(c.text for c in text_chunks))
        assert char_accuracy(_bare("".join(c.text for c in chunks)), want) >= 0.98, name
        assert report.locate(chunks[-1].start) == f"第{report.ocr_pages[-1]}页（{OCR_NOTE}）"


def test_ocr_can_be_turned_off_and_then_a_scan_is_refused_with_the_way_out(scans, settings_factory):
    from assistant.core.errors import IngestError

    with pytest.raises(IngestError) as err:
        prepare(scans / "dengkou-2021.pdf", settings_factory(ocr=False))
    assert "扫描件" in err.value.message and "ASSISTANT_OCR" in err.value.hint


@pytest.mark.model
def test_the_scanned_copies_answer_the_smoke_questions_as_the_text_does(scans, seeded_store, make_store, small_llm):
    from assistant.evals.gold import SMOKE, load_gold
    from assistant.evals.grading import grade
    from assistant.qa.answer import ask

    text_store, text_settings = seeded_store
    ocr_store, ocr_settings = make_store()
    ingest_paths([scans], ocr_store, progress=False)
    places = {"磴口县", "乌海市"}
    items = [q for q in load_gold(SMOKE) if q.report in places]
    assert len(items) >= 4
    for item in items:
        from_text = ask(item.question, text_store, small_llm, text_settings)
        from_scan = ask(item.question, ocr_store, small_llm, ocr_settings)
        assert grade(item, from_scan) == grade(item, from_text), (item.question, from_text.answer, from_scan.answer)
        for c in from_scan.citations:
            assert ocr_store.report_text(c.report_id)[c.start : c.end] == c.quote
            assert c.location and c.location.endswith(f"（{OCR_NOTE}）")
