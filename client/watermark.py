"""The visible watermark on a copy a professional pulls.

This module owns the wording of the watermark ("Copie transmise à … pour … le …")
and how it is drawn on a decrypted local copy: PDF pages and JPEG/PNG images. A
leaked copy then shows whom it was handed to, like the State's "filigrane" service
for identity documents. The stored document is never touched; only the bytes the
client is about to write for the professional.

A visible watermark deters and traces; it does not prevent. Someone with PDF
tooling can remove an overlay, and an image can be cropped: the server's access
log (who pulled what, when) stays the record.
"""

from __future__ import annotations

import io
import math
import struct
import unicodedata
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pikepdf
from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFont, ImageOps

from client.api import ApiError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
SUPPORTED_MEDIA_TYPES = (PDF, JPEG, PNG)
_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG"}

# What the marks look like. The diagonal text is light enough to read the document
# through; the footer band is opaque so the text there stays legible on any page.
_DIAGONAL_RGB = (120, 120, 120)
_DIAGONAL_OPACITY = 0.3
_BAND_RGB = (255, 255, 255)
_BAND_TEXT_RGB = (0, 0, 0)
_SEPARATOR = "   ·   "
JPEG_QUALITY = 90

_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

UNSUPPORTED_FR = (
    "Ce type de document ne peut pas recevoir de filigrane : seuls les PDF, JPEG et PNG "
    "le peuvent. Demandez à la personne de le déposer dans l'un de ces formats."
)
UNREADABLE_FR = (
    "Le document est illisible ou abîmé : le filigrane n'a pas pu être apposé. "
    "Demandez à la personne de le déposer à nouveau."
)
PROTECTED_FR = (
    "Le PDF est protégé par un mot de passe : le filigrane n'a pas pu être apposé. "
    "Demandez à la personne de le déposer sans mot de passe."
)
TOO_LARGE_FR = (
    "L'image est trop grande pour recevoir un filigrane. "
    "Demandez à la personne de la déposer en plus petite résolution."
)


class CannotWatermark(ApiError):
    """The copy cannot be stamped; nothing is written. Raised locally, never sent."""

    code = "cannot_watermark"

    def __init__(self, message: str) -> None:
        # Status 0: the client raised it itself, as for ``integrity_mismatch``.
        super().__init__(0, self.code, message)


def watermark_text(recipient: str, structure: str, purpose: str, on: date) -> str:
    """The one line stamped on a copy, e.g. for the professional who pulls it.

    Whitespace inside each part is collapsed so that the text stays on one line.
    """
    recipient, structure, purpose = (
        " ".join(part.split()) for part in (recipient, structure, purpose)
    )
    return f"Copie transmise à {recipient} ({structure}) pour {purpose} le {on:%d/%m/%Y}"


def stamp_copy(data: bytes, media_type: str, text: str) -> tuple[bytes, str]:
    """Return ``data`` with ``text`` drawn over it, and the media type of the result.

    PDF stays PDF, JPEG stays JPEG, PNG stays PNG. Anything else, or a document that
    cannot be read, raises :class:`CannotWatermark`: no copy leaves unstamped.
    """
    if not text.strip():
        raise ValueError("the watermark text is empty")
    kind = media_type.split(";", 1)[0].strip().lower()
    if kind == PDF:
        return _stamp_pdf(data, text), PDF
    if kind in _PIL_FORMATS:
        return _stamp_image(data, _PIL_FORMATS[kind], text), kind
    raise CannotWatermark(UNSUPPORTED_FR)


# -- text the fonts can draw --------------------------------------------------------

# Letters that do not decompose into a base letter and accents under NFKD.
_ASCII_FALLBACK = {
    "Œ": "OE",
    "œ": "oe",
    "Æ": "AE",
    "æ": "ae",
    "ß": "ss",
    "Ø": "O",
    "ø": "o",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "’": "'",
    "‘": "'",
    "«": '"',
    "»": '"',
    "–": "-",
    "—": "-",
    "·": ".",
}


def _fold(text: str, can_draw: Callable[[str], bool]) -> str:
    """Keep what the font draws; fold the rest (``ł`` → ``l``, ``é`` → ``e``, else ``?``).

    Control characters and line breaks become spaces so that the text stays on one line.
    """
    out: list[str] = []
    for char in text:
        if unicodedata.category(char).startswith("C") or char.isspace():
            out.append(" ")
        elif can_draw(char):
            out.append(char)
        else:
            folded = _ASCII_FALLBACK.get(char) or "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            out.append(folded if folded and all(can_draw(c) for c in folded) else "?")
    return "".join(out)


def _in_cp1252(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _printable_ascii(char: str) -> bool:
    return " " <= char <= "~"


# -- PDF ----------------------------------------------------------------------------

# PDF errors a damaged file can raise from pikepdf (qpdf) while it is read, changed
# or written; a malformed object (a /Rotate that is a string, a /MediaBox of three
# numbers) surfaces as one of the Python ones.
_PDF_FAILURES = (pikepdf.PdfError, ValueError, TypeError, KeyError, AttributeError, RuntimeError)


def _stamp_pdf(data: bytes, text: str) -> bytes:
    # Helvetica (one of the 14 fonts every reader has) in WinAnsiEncoding draws all
    # of French, accents and œ included; nothing is embedded.
    line = _fold(text, _in_cp1252)
    stamps = _Stamps(line)
    try:
        # inherit_page_attributes: a page inheriting /Resources, /MediaBox or /Rotate
        # from the page tree gets its own copy first, so the resource added below
        # does not hide the inherited fonts and images.
        with pikepdf.open(io.BytesIO(data), inherit_page_attributes=True) as pdf:
            if len(pdf.pages) == 0:
                raise CannotWatermark(UNREADABLE_FR)
            for page in pdf.pages:
                _overlay_page(pdf, page, stamps)
            out = io.BytesIO()
            # Streams are copied as they are (no recompression); only the stamp and
            # the few bytes that place it are new.
            pdf.save(out, deterministic_id=True)
            return out.getvalue()
    except pikepdf.PasswordError:
        raise CannotWatermark(PROTECTED_FR) from None
    except _PDF_FAILURES:
        raise CannotWatermark(UNREADABLE_FR) from None
    finally:
        stamps.close()


class _Stamps:
    """One stamp per page size, as a Form XObject shared by every page of that size."""

    def __init__(self, line: str) -> None:
        self.line = line
        # qpdf copies a foreign stream's data when the target is saved: the stamp
        # PDFs stay open until then.
        self._sources: list[pikepdf.Pdf] = []
        self._forms: dict[tuple[float, float], pikepdf.Object] = {}

    def form_for(self, pdf: pikepdf.Pdf, width: float, height: float) -> pikepdf.Object:
        key = (round(width, 2), round(height, 2))
        if key not in self._forms:
            source = pikepdf.open(io.BytesIO(_stamp_page(self.line, *key)))
            self._sources.append(source)
            self._forms[key] = pdf.copy_foreign(source.pages[0].as_form_xobject())
        return self._forms[key]

    def close(self) -> None:
        for source in self._sources:
            source.close()


@dataclass(frozen=True)
class _Box:
    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom


def _visible_box(page: pikepdf.Page) -> _Box:
    # pikepdf falls back to the (possibly inherited) MediaBox when there is no CropBox.
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    box = _Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    if not (box.width > 0 and box.height > 0):
        raise CannotWatermark(UNREADABLE_FR)
    return box


def _overlay_page(pdf: pikepdf.Pdf, page: pikepdf.Page, stamps: _Stamps) -> None:
    box = _visible_box(page)
    quarter_turn = int(page.rotation) % 180 == 90
    # The stamp is drawn as the page is shown: a page stored portrait with
    # /Rotate 90 is read landscape, so its stamp is landscape.
    shown = (box.height, box.width) if quarter_turn else (box.width, box.height)
    form = stamps.form_for(pdf, *shown)
    name = _free_name(page, "/CoffreWatermark")
    page.add_resource(form, pikepdf.Name.XObject, name)
    # qpdf undoes the page's /Rotate (and /UserUnit) so the stamp is upright on screen,
    # and fits it to the visible box.
    placement = page.calc_form_xobject_placement(
        form,
        name,
        pikepdf.Rectangle(box.left, box.bottom, box.right, box.top),
        allow_shrink=True,
        allow_expand=True,
    )
    if not placement:
        raise CannotWatermark(UNREADABLE_FR)
    # The page's own drawing is wrapped in q … Q so its graphics state cannot leak
    # into the stamp, which comes last: over the content. New streams are appended;
    # the page's streams are not decoded (pikepdf's add_overlay would coalesce them).
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"\nQ\n" + placement + b"\n")


def _free_name(page: pikepdf.Page, stem: str) -> pikepdf.Name:
    """A resource name the page does not use yet (``add_resource`` would replace it)."""
    resources = page.obj[pikepdf.Name.Resources]
    taken: set[str] = set()
    for kind in resources.keys():
        sub = resources.get(kind)
        if isinstance(sub, pikepdf.Dictionary):
            taken.update(sub.keys())
    candidate, n = stem, 0
    while candidate in taken:
        n += 1
        candidate = f"{stem}{n}"
    return pikepdf.Name(candidate)


def _stamp_page(line: str, width: float, height: float) -> bytes:
    """A one-page PDF, ``width`` × ``height`` points, with only the watermark on it."""
    import fpdf  # 1 s of import (its fonts): paid only when a PDF is made

    pdf = fpdf.FPDF(unit="pt", format=(width, height))
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_page()

    # Diagonal rows, repeated, covering the page whatever its proportions: each row
    # is as long as the page's diagonal and the rows span it too.
    size = max(6.0, min(width, height) / 40)
    pdf.set_font("helvetica", size=size)
    unit = line + _SEPARATOR
    unit_width = pdf.get_string_width(unit)
    diagonal = math.hypot(width, height)
    row = unit * (math.ceil(diagonal / unit_width) + 2)
    spacing = size * 5
    rows = math.ceil(diagonal / 2 / spacing) + 1
    cx, cy = width / 2, height / 2
    angle = math.degrees(math.atan2(height, width))
    with (
        pdf.local_context(fill_opacity=_DIAGONAL_OPACITY, text_color=_DIAGONAL_RGB),
        pdf.rotation(angle, cx, cy),
    ):
        for k in range(-rows, rows + 1):
            shift = unit_width / 2 if k % 2 else 0.0  # stagger, like a brick wall
            pdf.text(cx - diagonal / 2 - unit_width + shift, cy + k * spacing, row)

    # The footer band: opaque, the whole text on one line, scaled to fit the width.
    pdf.set_font("helvetica", style="B", size=1)
    footer_size = max(3.0, min(9.0, width * 0.96 / pdf.get_string_width(line)))
    band = footer_size * 2
    pdf.set_font_size(footer_size)
    pdf.set_fill_color(*_BAND_RGB)
    pdf.rect(0, height - band, width, band, style="F")
    pdf.set_text_color(*_BAND_TEXT_RGB)
    text_width = pdf.get_string_width(line)
    pdf.text(max(0.0, (width - text_width) / 2), height - band / 2 + footer_size * 0.35, line)
    return bytes(pdf.output())


# -- images -------------------------------------------------------------------------

# What a damaged JPEG or PNG can raise from Pillow's decoders and parsers.
_IMAGE_FAILURES = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)


def _stamp_image(data: bytes, pil_format: str, text: str) -> bytes:
    # Pillow's bundled font (Aileron, kept for determinism: the same pixels on every
    # machine) has only unaccented Latin letters: "é" is drawn as "e", never as a box.
    line = _fold(text, _printable_ascii)
    try:
        with warnings.catch_warnings():
            # Past Pillow's pixel limit (about 89 megapixels, some 270 MB once
            # decoded), refuse instead of warning and filling the memory.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source = Image.open(io.BytesIO(data), formats=[pil_format])
            source.load()
        image = _drawable(source)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise CannotWatermark(TOO_LARGE_FR) from None
    except _IMAGE_FAILURES:
        raise CannotWatermark(UNREADABLE_FR) from None

    _draw_stamp(image, line)

    # Nothing of the source's metadata is carried over but its colour profile and
    # resolution: no EXIF (a phone photo's may say where it was taken), no text chunks.
    options: dict[str, object] = {}
    icc = source.info.get("icc_profile")
    if icc and _colour_space(image.mode) == _colour_space(source.mode):
        options["icc_profile"] = icc
    dpi = source.info.get("dpi")
    if isinstance(dpi, tuple) and len(dpi) == 2:
        options["dpi"] = dpi
    if pil_format == "JPEG":
        options["quality"] = JPEG_QUALITY
    out = io.BytesIO()
    try:
        image.save(out, pil_format, **options)
    except _IMAGE_FAILURES:
        raise CannotWatermark(UNREADABLE_FR) from None
    return out.getvalue()


def _drawable(source: Image.Image) -> Image.Image:
    """The decoded image upright, in a mode we can draw on and save to its format.

    It may be ``source`` itself: the decoded pixels are ours, the caller's bytes are
    untouched, and a 50 MB photo is not held twice.
    """
    if source.getexif().get(ExifTags.Base.Orientation, 1) != 1:
        # A phone photo is often stored sideways with an EXIF orientation: turn the
        # pixels so that the footer lands at the bottom as the photo is shown.
        source = ImageOps.exif_transpose(source)
    if source.mode in ("L", "RGB", "RGBA"):
        return source
    has_alpha = "A" in source.getbands() or "transparency" in source.info
    # JPEG holds no alpha; its other mode (CMYK) is drawn and saved as RGB.
    if has_alpha and source.format != "JPEG":
        return source.convert("RGBA")
    return source.convert("RGB")


def _colour_space(mode: str) -> str:
    if mode == "CMYK":
        return "cmyk"
    if mode in ("1", "L", "LA", "I", "I;16", "F"):
        return "grey"
    return "rgb"


def _color(image: Image.Image, rgb: tuple[int, int, int]) -> int | tuple[int, ...]:
    if image.mode == "L":
        return round(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2])
    if image.mode == "RGBA":
        return (*rgb, 255)
    return rgb


def _font(size: float) -> _Font:
    return ImageFont.load_default(size=size)


def _draw_stamp(image: Image.Image, line: str) -> None:
    width, height = image.size
    _draw_diagonal(image, line)

    # Footer band: the text on one line, as large as fits the width, kept to a
    # small strip of the height.
    reference = _font(100)
    fitted = 100 * width * 0.96 / max(1.0, reference.getlength(line))
    size = max(6.0, min(fitted, height * 0.035, 120.0))
    font = _font(size)
    band = math.ceil(size * 1.8)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height - band, width, height), fill=_color(image, _BAND_RGB))
    draw.text(
        (width / 2, height - band / 2),
        line,
        font=font,
        fill=_color(image, _BAND_TEXT_RGB),
        anchor="mm",
    )


def _draw_diagonal(image: Image.Image, line: str) -> None:
    """Blend repeated diagonal rows of ``line`` into ``image``.

    The text is drawn once on a small tile, which is turned and laid across an
    8-bit mask (one byte per pixel); the colour is blended through that mask in
    one pass. No full-size RGBA layer is made.
    """
    width, height = image.size
    size = max(10.0, min(width, height) / 30)
    font = _font(size)
    unit = line + _SEPARATOR
    unit_length = font.getlength(unit)
    # The tile holds the text once (with its separator) so neighbours join up.
    _, top, _, bottom = font.getbbox(unit)
    tile = Image.new("L", (math.ceil(unit_length) + 1, math.ceil(bottom - min(top, 0)) + 1))
    ImageDraw.Draw(tile).text(
        (0, -min(top, 0)), unit, font=font, fill=round(255 * _DIAGONAL_OPACITY)
    )
    angle = math.degrees(math.atan2(height, width))
    turned = tile.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True)

    mask = Image.new("L", (width, height))
    theta = math.radians(angle)
    # Along a row (y grows downwards, the text climbs to the right) and across rows.
    along = (unit_length * math.cos(theta), -unit_length * math.sin(theta))
    spacing = size * 5
    across = (spacing * math.sin(theta), spacing * math.cos(theta))
    reach = math.hypot(width, height)
    steps_along = math.ceil(reach / unit_length / 2) + 1
    steps_across = math.ceil(reach / spacing / 2) + 1
    tw, th = turned.size
    for j in range(-steps_across, steps_across + 1):
        stagger = 0.5 if j % 2 else 0.0
        for i in range(-steps_along, steps_along + 1):
            t = i + stagger
            cx = width / 2 + t * along[0] + j * across[0]
            cy = height / 2 + t * along[1] + j * across[1]
            x0, y0 = round(cx - tw / 2), round(cy - th / 2)
            box = (max(0, x0), max(0, y0), min(width, x0 + tw), min(height, y0 + th))
            if box[0] >= box[2] or box[1] >= box[3]:
                continue
            piece = turned.crop((box[0] - x0, box[1] - y0, box[2] - x0, box[3] - y0))
            mask.paste(ImageChops.lighter(mask.crop(box), piece), box)
    image.paste(_color(image, _DIAGONAL_RGB), (0, 0, width, height), mask)
