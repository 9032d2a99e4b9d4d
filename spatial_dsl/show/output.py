"""Writing a figure: ``save`` (PNG or SVG by suffix, atomically) and ``to_bytes`` (for
pages that embed pictures), both without dates so the same picture gives the same
bytes."""

from __future__ import annotations

import os
from pathlib import Path

from .common import FORMATS, ShowError


def save(figure, path: str | os.PathLike, dpi: int | None = None) -> None:
    """Write the figure as PNG or SVG (by suffix), atomically: a temp file, then rename."""
    from ..files import atomic_write

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ShowError(f"{path}: the output must end in .png or .svg")

    def write(tmp: str) -> None:
        import warnings

        with open(tmp, "wb") as handle, warnings.catch_warnings():
            # a question in a script the font lacks draws boxes; no warning on stderr
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            figure.savefig(handle, format=suffix[1:], dpi=dpi or figure.dpi,
                           metadata=_metadata(suffix))

    atomic_write(path, write)


def _metadata(suffix: str) -> dict:
    # No dates: the same picture gives the same bytes.
    if suffix == ".svg":
        return {"Date": None}
    return {"Software": None}


def to_bytes(figure, fmt: str = "png", dpi: int | None = None, colors: int = 0) -> bytes:
    """The figure as PNG or SVG bytes; ``colors`` > 0 reduces a PNG to that many palette
    colours (about a quarter of the size, for pages that embed many pictures)."""
    import io

    buf = io.BytesIO()
    figure.savefig(buf, format=fmt, dpi=dpi or figure.dpi, metadata=_metadata("." + fmt))
    if fmt != "png" or colors <= 0:
        return buf.getvalue()
    from PIL import Image  # matplotlib depends on Pillow

    image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    small = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE,
                           dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()
