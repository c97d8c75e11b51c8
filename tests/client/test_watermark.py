"""The visible watermark on a copy a professional pulls: PDF pages, JPEG and PNG images."""

from __future__ import annotations

import io
import warnings
from datetime import date

import fpdf
import pikepdf
import pytest
from PIL import Image, ImageDraw

from client.api import ApiError
from client.watermark import CannotWatermark, stamp_copy, watermark_text

TEXT = watermark_text("Hélène Lefèvre", "Crèche Façade à Nantes", "aide sociale", date(2026, 3, 2))
A4 = (595.28, 841.89)
A5 = (419.53, 595.28)


# -- helpers: documents made here, and what a reader would see in them ----------------


def _pdf(*sizes: tuple[float, float], rotate: dict[int, int] | None = None) -> bytes:
    """A PDF with one page per size, each with a line of its own text."""
    doc = fpdf.FPDF(unit="pt")
    doc.set_font("helvetica", size=14)
    for number, size in enumerate(sizes, start=1):
        doc.add_page(format=size)
        doc.text(40, 60, f"Original page {number}")
    data = bytes(doc.output())
    if not rotate:
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for index, angle in rotate.items():
            pdf.pages[index].rotate(angle, relative=False)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _instructions(content: pikepdf.Page | pikepdf.Object) -> list[tuple[str, list[object]]]:
    return [(str(i.operator), list(i.operands)) for i in pikepdf.parse_content_stream(content)]


def _last_drawn_form(page: pikepdf.Page) -> tuple[pikepdf.Object, list[float]]:
    """The Form XObject the page paints last, and the ``cm`` matrix that places it."""
    ops = _instructions(page)
    do_at = max(i for i, (op, _) in enumerate(ops) if op == "Do")
    assert ops[do_at - 1][0] == "cm"
    form = page.obj.Resources.XObject[ops[do_at][1][0]]
    assert form.Subtype == pikepdf.Name.Form
    # Nothing is painted after it: the stamp is over the content.
    assert [op for op, _ in ops[do_at + 1 :]] == ["Q"]
    return form, [float(v) for v in ops[do_at - 1][1]]


def _strings_shown(form: pikepdf.Object) -> list[str]:
    """The text a form shows, decoded as its fonts' WinAnsiEncoding says."""
    for font in form.Resources.Font.values():
        assert font.Encoding == pikepdf.Name.WinAnsiEncoding
    shown = []
    for op, operands in _instructions(form):
        if op == "Tj":
            shown.append(bytes(operands[0]).decode("cp1252"))
        elif op == "TJ":
            parts = operands[0]
            shown.append(
                "".join(bytes(p).decode("cp1252") for p in parts if isinstance(p, pikepdf.String))
            )
    return shown


def _placed_box(form: pikepdf.Object, cm: list[float]) -> tuple[float, float, float, float]:
    """Where the form's bounding box lands on the page (form /Matrix, then ``cm``)."""
    x0, y0, x1, y1 = (float(v) for v in form.BBox)
    fm = [float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0])]
    points = []
    for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
        for a, b, c, d, e, f in (fm, cm):
            x, y = a * x + c * y + e, b * x + d * y + f
        points.append((x, y))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _image(fmt: str, size: tuple[int, int] = (600, 400), mode: str = "RGB") -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    ImageDraw.Draw(image).rectangle((20, 20, size[0] - 20, size[1] - 20), outline=(0, 0, 0))
    out = io.BytesIO()
    image.convert(mode).save(out, fmt)
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# -- the text ----------------------------------------------------------------------------


def test_watermark_text_names_recipient_structure_purpose_and_day() -> None:
    text = watermark_text(
        "Jean Martin", "CAF de Loire-Atlantique", "instruction RSA", date(2026, 1, 9)
    )
    assert text == (
        "Copie transmise à Jean Martin (CAF de Loire-Atlantique) pour instruction RSA le 09/01/2026"
    )


def test_watermark_text_stays_on_one_line() -> None:
    text = watermark_text("Jean\nMartin", "SIAO  93", "hébergement\t", date(2026, 1, 9))
    assert text == "Copie transmise à Jean Martin (SIAO 93) pour hébergement le 09/01/2026"


# -- PDF ---------------------------------------------------------------------------------


def test_pdf_copy_keeps_its_pages_and_each_shows_the_text_over_the_content() -> None:
    source = _pdf(A4, A5, rotate={1: 90})

    stamped, media_type = stamp_copy(source, "application/pdf", TEXT)

    assert media_type == "application/pdf"
    with pikepdf.open(io.BytesIO(stamped)) as pdf:
        assert len(pdf.pages) == 2
        for number, page in enumerate(pdf.pages, start=1):
            ops = _instructions(page)
            assert ops[0][0] == "q"  # the page's own drawing is wrapped, then the stamp
            original = [bytes(o[0]) for op, o in ops if op == "Tj"]
            assert original == [f"Original page {number}".encode()]
            form, _ = _last_drawn_form(page)
            shown = _strings_shown(form)
            # The diagonal rows repeat the text; the footer holds it once, alone.
            assert TEXT in shown
            assert sum(TEXT in s and s != TEXT for s in shown) >= 3


def test_pdf_stamp_is_upright_as_each_page_is_shown_and_fills_it() -> None:
    source = _pdf(A4, A5, rotate={1: 90})

    stamped, _ = stamp_copy(source, "application/pdf", TEXT)

    with pikepdf.open(io.BytesIO(stamped)) as pdf:
        portrait, turned = pdf.pages
        form, cm = _last_drawn_form(portrait)
        assert [float(v) for v in form.BBox] == pytest.approx([0, 0, *A4], abs=0.01)
        assert _placed_box(form, cm) == pytest.approx((0, 0, *A4), abs=0.01)

        # Stored portrait A5, shown landscape: the stamp is drawn landscape, and
        # placed with a quarter turn onto the stored page.
        form, cm = _last_drawn_form(turned)
        assert [float(v) for v in form.BBox] == pytest.approx([0, 0, A5[1], A5[0]], abs=0.01)
        assert cm[0] == pytest.approx(0) and cm[3] == pytest.approx(0)
        assert _placed_box(form, cm) == pytest.approx((0, 0, *A5), abs=0.01)


def test_pdf_pages_of_one_size_share_one_stamp() -> None:
    stamped, _ = stamp_copy(_pdf(A4, A5, A4), "application/pdf", TEXT)

    with pikepdf.open(io.BytesIO(stamped)) as pdf:
        first, second, third = (_last_drawn_form(page)[0] for page in pdf.pages)
        assert first.objgen == third.objgen
        assert first.objgen != second.objgen


def _pdf_with_page_tree_attributes() -> bytes:
    """One page inheriting /Resources, /MediaBox and /Rotate from its page tree.

    Written by hand: pikepdf and fpdf2 both give every page its own when they save.
    """
    content = b"BT /F1 14 Tf 40 60 Td (Original page 1) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 420 595] /Rotate 90"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_pdf_page_inheriting_from_its_page_tree_keeps_its_fonts_and_turn() -> None:
    stamped, _ = stamp_copy(_pdf_with_page_tree_attributes(), "application/pdf", TEXT)

    with pikepdf.open(io.BytesIO(stamped)) as pdf:
        page = pdf.pages[0]
        assert "/F1" in page.obj.Resources.Font
        form, cm = _last_drawn_form(page)
        assert TEXT in _strings_shown(form)
        assert [float(v) for v in form.BBox] == pytest.approx([0, 0, 595, 420])
        assert _placed_box(form, cm) == pytest.approx((0, 0, 420, 595))


def test_pdf_accents_are_drawn_and_letters_outside_the_font_fall_back_to_their_base() -> None:
    text = watermark_text("Zoé", "Œuvre Łódź, à Besançon", "santé", date(2026, 3, 2))

    stamped, _ = stamp_copy(_pdf(A4), "application/pdf", text)

    with pikepdf.open(io.BytesIO(stamped)) as pdf:
        shown = _strings_shown(_last_drawn_form(pdf.pages[0])[0])
    assert "Copie transmise à Zoé (Œuvre Lódz, à Besançon) pour santé le 02/03/2026" in shown


def test_pdf_stamp_is_the_same_for_the_same_inputs() -> None:
    source = _pdf(A4, A5, rotate={1: 90})

    assert stamp_copy(source, "application/pdf", TEXT) == stamp_copy(
        source, "application/pdf", TEXT
    )


# -- images ------------------------------------------------------------------------------


@pytest.mark.parametrize(("media_type", "fmt"), [("image/png", "PNG"), ("image/jpeg", "JPEG")])
def test_image_keeps_its_type_and_size_and_gets_an_opaque_footer_band(
    media_type: str, fmt: str
) -> None:
    source = _image(fmt)

    stamped, result_type = stamp_copy(source, media_type, TEXT)

    assert result_type == media_type
    image = _open(stamped)
    assert image.format == fmt
    assert image.size == (600, 400)
    # The band's left end has no text on it: white, where the source was blue.
    for x in (1, 2, 3):
        r, g, b = image.convert("RGB").getpixel((x, 397))
        assert min(r, g, b) >= 240


def test_image_diagonal_text_is_semi_transparent() -> None:
    source = _open(_image("PNG")).convert("RGB")

    stamped = _open(stamp_copy(_image("PNG"), "image/png", TEXT)[0]).convert("RGB")

    # Above the footer band, only the diagonal text changes pixels, and it lets the
    # document show through: never the flat text colour.
    changed = 0
    for y in range(40, 360, 3):
        for x in range(40, 560, 3):
            before, after = source.getpixel((x, y)), stamped.getpixel((x, y))
            if before != after:
                changed += 1
                assert after != (120, 120, 120)
                assert abs(after[2] - before[2]) <= 0.31 * abs(before[2] - 120) + 1
    assert changed > 200


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("PNG", "P"), ("PNG", "LA"), ("PNG", "L"), ("PNG", "RGBA"), ("JPEG", "L"), ("JPEG", "CMYK")],
)
def test_image_in_any_common_mode_is_stamped(fmt: str, mode: str) -> None:
    media_type = f"image/{fmt.lower()}"

    stamped, _ = stamp_copy(_image(fmt, mode=mode), media_type, TEXT)

    image = _open(stamped)
    assert (image.format, image.size) == (fmt, (600, 400))
    assert min(image.convert("RGB").getpixel((1, 398))) >= 240


def test_sideways_phone_photo_is_stamped_as_it_is_shown() -> None:
    photo = Image.new("RGB", (300, 200), (30, 120, 200))
    exif = photo.getexif()
    exif[0x0112] = 6  # stored sideways: shown turned a quarter clockwise
    source = io.BytesIO()
    photo.save(source, "JPEG", exif=exif)

    stamped, _ = stamp_copy(source.getvalue(), "image/jpeg", TEXT)

    image = _open(stamped)
    assert image.size == (200, 300)
    assert 0x0112 not in image.getexif()
    assert min(image.convert("RGB").getpixel((1, 298))) >= 240


def test_image_accents_are_drawn_as_their_letters_never_as_missing_glyphs() -> None:
    source = _image("PNG")
    plain = stamp_copy(source, "image/png", "Copie transmise a Helene (Creche, Facade)")[0]

    accented = stamp_copy(source, "image/png", "Copie transmise à Hélène (Crèche, Façade)")[0]
    other = stamp_copy(source, "image/png", "Copie transmise a Helena (Creche, Facade)")[0]

    assert accented == plain
    assert other != plain


def test_image_stamp_is_the_same_for_the_same_inputs() -> None:
    source = _image("JPEG")

    assert stamp_copy(source, "image/jpeg", TEXT) == stamp_copy(source, "image/jpeg", TEXT)


# -- the caller's bytes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "media_type"),
    [(_pdf(A4, A5, rotate={1: 90}), "application/pdf"), (_image("PNG"), "image/png")],
)
def test_source_bytes_are_left_as_they_were(source: bytes, media_type: str) -> None:
    # A bytearray, since a bytes object could not be changed in place at all.
    buffer = bytearray(source)

    stamped, _ = stamp_copy(buffer, media_type, TEXT)

    assert buffer == source
    assert stamped != source


# -- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "media_type", ["image/gif", "image/heic", "text/plain", "application/octet-stream", ""]
)
def test_other_media_types_cannot_be_watermarked(media_type: str) -> None:
    with pytest.raises(CannotWatermark) as caught:
        stamp_copy(_image("PNG"), media_type, TEXT)

    assert isinstance(caught.value, ApiError)
    assert caught.value.code == "cannot_watermark"
    assert "PDF, JPEG et PNG" in caught.value.message


def _truncated(data: bytes, keep: int) -> bytes:
    return data[:keep]


def _password_protected_pdf() -> bytes:
    with pikepdf.open(io.BytesIO(_pdf(A4))) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user="user"))
        return out.getvalue()


@pytest.mark.parametrize(
    ("data", "media_type", "message"),
    [
        (b"", "application/pdf", "illisible"),
        (b"%PDF-1.7\n" + b"\x00not a pdf" * 50, "application/pdf", "illisible"),
        (_truncated(_pdf(A4), 100), "application/pdf", "illisible"),
        (_image("PNG"), "application/pdf", "illisible"),
        (_password_protected_pdf(), "application/pdf", "mot de passe"),
        (_truncated(_image("PNG"), 60), "image/png", "illisible"),
        (_truncated(_image("JPEG"), 600), "image/jpeg", "illisible"),
        (_image("JPEG"), "image/png", "illisible"),
        (_pdf(A4), "image/jpeg", "illisible"),
    ],
    ids=[
        "empty",
        "garbage-pdf",
        "truncated-pdf",
        "png-sent-as-pdf",
        "password-pdf",
        "truncated-png",
        "truncated-jpeg",
        "jpeg-sent-as-png",
        "pdf-sent-as-jpeg",
    ],
)
def test_corrupt_document_cannot_be_watermarked(data: bytes, media_type: str, message: str) -> None:
    with pytest.raises(CannotWatermark) as caught:
        stamp_copy(data, media_type, TEXT)

    assert message in caught.value.message


def test_image_past_the_pixel_limit_cannot_be_watermarked() -> None:
    huge = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(huge, "PNG")

    # Whatever the caller does with warnings (this suite turns them into errors).
    with warnings.catch_warnings(), pytest.raises(CannotWatermark) as caught:
        warnings.simplefilter("ignore")
        stamp_copy(huge.getvalue(), "image/png", TEXT)

    assert "trop grande" in caught.value.message


def test_empty_text_is_refused_rather_than_stamping_nothing() -> None:
    with pytest.raises(ValueError, match="empty"):
        stamp_copy(_image("PNG"), "image/png", "  ")
