"""Scanned PDF pages read offline: pypdfium2 renders a page, RapidOCR reads it.

RapidOCR 3 ships the PP-OCR detection, direction and recognition models (ONNX) inside its
wheel, so nothing is downloaded at run time. A page is rendered at SCALE (2 = 144 dpi for
an A4 page, about 1190 × 1684 pixels: large enough for 小四 characters, within RapidOCR's
2000-pixel side limit), read into text boxes, and the boxes are put back into lines: those
whose vertical extents overlap by more than half are one line, read left to right.

What OCR reads is marked as such all the way to the citation (Report.ocr_pages, and
`Report.locate` adds core.types.OCR_NOTE), because a misread digit is possible: the answer's numbers
are still verified against the OCR text, which is all the product knows of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

SCALE = 2.0
_MIN_SCORE = 0.5  # RapidOCR's own default: boxes below it are noise (stamps, specks)


@cache
def _engine():
    from rapidocr import RapidOCR

    # No direction classifier: on upright scans it dropped whole lines (wuhai-2023 scanned:
    # character accuracy 0.951 with it, 0.999 without); scanners and phones deliver pages
    # upright, and a page upside down reads as nonsense that no answer will verify against.
    return RapidOCR(params={"Global.log_level": "error", "Global.text_score": _MIN_SCORE, "Global.use_cls": False})


def _lines(boxes, texts) -> list[str]:
    """Text boxes back into reading-order lines."""
    items = []
    for box, text in zip(boxes, texts):
        ys = [p[1] for p in box]
        xs = [p[0] for p in box]
        items.append((min(ys), max(ys), min(xs), text))
    items.sort(key=lambda t: (t[0], t[2]))
    lines: list[list[tuple]] = []
    for item in items:
        top, bottom = item[0], item[1]
        if lines:
            last_top = min(i[0] for i in lines[-1])
            last_bottom = max(i[1] for i in lines[-1])
            overlap = min(bottom, last_bottom) - max(top, last_top)
            if overlap > 0.5 * min(bottom - top, last_bottom - last_top):
                lines[-1].append(item)
                continue
        lines.append([item])
    return ["".join(i[3] for i in sorted(line, key=lambda i: i[2])).strip() for line in lines]


def read_pages(data: bytes, pages: list[int], progress: Callable[[int], None] | None = None) -> dict[int, list[str]]:
    """The lines OCR reads on each of `pages` (1-based) of the PDF in `data`."""
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        out: dict[int, list[str]] = {}
        for number in pages:
            image = pdf[number - 1].render(scale=SCALE).to_pil().convert("RGB")
            result = _engine()(np.asarray(image))
            boxes = result.boxes if result.boxes is not None else []
            texts = result.txts or ()
            out[number] = [line for line in _lines(boxes, texts) if line]
            if progress:
                progress(1)
        return out
    finally:
        pdf.close()
