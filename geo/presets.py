"""Snapshot sizes and formats: light enough for the UI to import without matplotlib."""

from __future__ import annotations

import re

from geo.errors import Catalogued

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
PAPER_MM = {"a4": (297, 210), "a3": (420, 297)}
PRESETS: dict[str, tuple[int, int, int]] = {  # name: (width px, height px, dpi)
    "slide-1080": (1920, 1080, 150),
    "slide-4k": (3840, 2160, 300),
    "slide-4x3": (1600, 1200, 150),
}
for _paper, (_w, _h) in PAPER_MM.items():
    for _dpi in (150, 300):
        PRESETS[f"{_paper}-landscape-{_dpi}"] = (round(_w / 25.4 * _dpi), round(_h / 25.4 * _dpi), _dpi)
        PRESETS[f"{_paper}-portrait-{_dpi}"] = (round(_h / 25.4 * _dpi), round(_w / 25.4 * _dpi), _dpi)


class SnapshotError(Catalogued):
    """A snapshot request that cannot be rendered (bad size, format, view...): a key of geo/error_messages.py;
    a text raised the old way reads as ``err_snapshot``."""

    generic = "err_snapshot"


def paper_size(paper: str, dpi: int) -> tuple[int, int]:
    """Pixel size of ``a4-landscape`` etc. at ``dpi``."""
    m = re.fullmatch(r"(a[34])-(landscape|portrait)", paper)
    if not m:
        raise SnapshotError("err_paper", paper=paper)
    w, h = PAPER_MM[m.group(1)]
    if m.group(2) == "portrait":
        w, h = h, w
    return round(w / 25.4 * dpi), round(h / 25.4 * dpi)
