"""PDFs open on Android: pdf.js draws them page by page in the page (360 px wide).

Chrome on Android has no PDF viewer, so an <iframe> of a PDF showed nothing there. A
person opens a PDF of their vault, and the professional the stamped copy of a shared
one: the pages are canvases with something drawn on them, "Page 1 sur 3" is said,
"Plus grand" / "Plus petit" change the size, only the pages near the screen are kept
drawn, the download stays, and no request leaves the vault's origin (pdf.js, its
worker and its fonts are vendored). A heavy scanned PDF can be made lighter before it
is sent, only if the person asks: the sizes are shown, the stored document is smaller
and opens; keeping the original sends it byte for byte.
"""

from __future__ import annotations

import base64
import io
import random
import re
from pathlib import Path

import fpdf
import pikepdf
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, expect

from tests.consent.world import RSA
from tests.structures.world import World
from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import (
    describe_document,
    log_in_person,
    log_in_professional,
    open_document,
    person_client,
    pick_pages,
    share,
    visible_screen,
)

PAGES_DRAWN_AT_MOST = 4  # pdf-view.js MAX_DRAWN


def text_pdf(path: Path, pages: int) -> Path:
    """A PDF of `pages` pages of text (Helvetica, not embedded: pdf.js's standard fonts)."""
    doc = fpdf.FPDF(unit="pt", format="A4")
    doc.set_font("helvetica", size=28)
    for number in range(1, pages + 1):
        doc.add_page()
        doc.text(60, 100, f"Facture EDF - page {number}")
        doc.set_font("helvetica", size=14)
        for line in range(30):
            doc.text(60, 150 + line * 20, f"Ligne {line + 1} : consommation du mois, 42 kWh.")
        doc.set_font("helvetica", size=28)
    path.write_bytes(bytes(doc.output()))
    return path


def scanned_pdf(path: Path, pages: int, quality: int = 95) -> Path:
    """A phone's scan: each page one large, grainy JPEG (150 dpi), no text."""
    doc = fpdf.FPDF(unit="pt", format="A4")
    noise = random.Random(7)
    for number in range(pages):
        image = Image.new("L", (1240, 1754), 235)
        draw = ImageDraw.Draw(image)
        for line in range(40):  # lines of "writing"
            y = 120 + line * 38
            draw.rectangle((100, y, 100 + noise.randint(500, 1040), y + 14), fill=40)
        grain = Image.effect_noise((1240, 1754), 40)
        image = Image.blend(image, grain, 0.25).convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        picture = Path(path.parent / f"scan-{number}.jpg")
        picture.write_bytes(out.getvalue())
        doc.add_page()
        doc.image(str(picture), x=0, y=0, w=595.28, h=841.89)
    path.write_bytes(bytes(doc.output()))
    return path


def watch_requests(page: Page, base: str) -> list[str]:
    """Every URL the page asks for that is not on the vault's origin (none expected)."""
    outside: list[str] = []

    def seen(request: object) -> None:
        url = getattr(request, "url", "")
        if not (url.startswith(base + "/") or url.startswith(("blob:", "data:"))):
            outside.append(url)

    page.on("request", seen)
    return outside


def drawn_pixels(canvas: Locator) -> int:
    """How many pixels of the canvas are not white: something was drawn."""
    return int(
        canvas.evaluate(
            """(c) => {
                const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < data.length; i += 4) if (data[i] < 200) n += 1;
                return n;
            }"""
        )
    )


def canvas_width(page: Page, selector: str) -> float:
    return float(page.locator(selector).first.evaluate("(c) => c.getBoundingClientRect().width"))


def blob_bytes(page: Page, selector: str) -> bytes:
    """The bytes behind a link's blob: URL (what "Télécharger" saves)."""
    encoded = page.evaluate(
        """async (selector) => {
            const link = document.querySelector(selector);
            const bytes = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
            let text = '';
            for (const b of bytes) text += String.fromCharCode(b);
            return btoa(text);
        }""",
        selector,
    )
    return base64.b64decode(encoded)


def test_a_person_reads_a_pdf_page_by_page_with_zoom_and_nothing_leaves_the_origin(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    with person_client(live_server, world) as (client, keys):
        client.upload(text_pdf(tmp_path / "Facture EDF.pdf", 3), "domicile", keys=keys)
        client.upload(text_pdf(tmp_path / "Relevé de compte.pdf", 9), "domicile", keys=keys)
    outside = watch_requests(page, live_server)
    log_in_person(page, live_server, world)
    open_document(page, "Facture EDF")

    preview = page.locator("#doc-preview")
    expect(preview.locator(".pdf-count")).to_have_text("Page 1 sur 3")
    first = preview.get_by_role("img", name="Facture EDF, page 1 sur 3")
    expect(first).to_be_visible(timeout=30_000)
    assert first.evaluate("(c) => c.tagName") == "CANVAS"
    assert drawn_pixels(first) > 1000
    # No iframe of the PDF any more (nothing to show on Android); the download stays.
    expect(preview.locator("iframe")).to_have_count(0)
    expect(page.locator("#doc-download")).to_have_attribute("href", re.compile("^blob:"))
    assert blob_bytes(page, "#doc-download") == (tmp_path / "Facture EDF.pdf").read_bytes()
    assert_accessible(page, "document-pdf")
    screenshot(page, "90-document-pdf")

    # Zoom: the page is drawn larger, then smaller; the screen never scrolls sideways.
    fitted = canvas_width(page, "#doc-preview canvas")
    preview.get_by_role("button", name="Plus grand").click()
    expect(preview.locator(".pdf-page canvas").first).to_have_attribute(
        "style", re.compile(rf"width: {round(fitted * 1.5)}px")
    )
    assert_accessible(page, "document-pdf-zoomed")
    screenshot(page, "91-document-pdf-zoomed")
    preview.get_by_role("button", name="Plus petit").click()
    preview.get_by_role("button", name="Plus petit").click()
    expect(preview.locator(".pdf-page canvas").first).to_have_attribute(
        "style", re.compile(rf"width: {round(fitted * 0.75)}px")
    )
    expect(preview.get_by_role("button", name="Plus petit")).to_be_disabled()
    preview.get_by_role("button", name="Plus grand").click()

    # A longer document: the page shown is named as the person scrolls, and only the
    # pages near the screen stay drawn (a cheap phone's memory).
    page.get_by_role("button", name="Retour").first.click()
    visible_screen(page, "documents")
    open_document(page, "Relevé de compte")
    expect(preview.locator(".pdf-count")).to_have_text("Page 1 sur 9")
    # The first document's view ended with it: one pdf.js worker (holding one document).
    for _ in range(50):
        if len([w for w in page.workers if "pdfjs-worker" in w.url]) == 1:
            break
        page.wait_for_timeout(100)
    assert len([w for w in page.workers if "pdfjs-worker" in w.url]) == 1
    expect(preview.get_by_role("img", name="Relevé de compte, page 1 sur 9")).to_be_visible()
    for number in range(2, 10):
        preview.locator(f'.pdf-page[data-page="{number}"]').scroll_into_view_if_needed()
        page.wait_for_timeout(150)
        assert preview.locator("canvas").count() <= PAGES_DRAWN_AT_MOST
    last = preview.get_by_role("img", name="Relevé de compte, page 9 sur 9")
    expect(last).to_be_visible()
    assert drawn_pixels(last) > 1000
    expect(preview.locator(".pdf-count")).to_have_text("Page 9 sur 9")
    assert preview.locator("canvas").count() <= PAGES_DRAWN_AT_MOST
    assert outside == []


def test_the_professional_reads_the_stamped_copy_of_a_pdf_page_by_page(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    with person_client(live_server, world) as (client, keys):
        bill = client.upload(text_pdf(tmp_path / "Facture EDF.pdf", 2), "domicile", keys=keys)
        share(client, keys, world, RSA, [bill], days=7)
    outside = watch_requests(page, live_server)
    log_in_professional(page, live_server)
    page.get_by_role("button", name="Ouvrir « Facture EDF »").click()
    screen = visible_screen(page, "shared-document")
    expect(screen.locator(".pdf-count")).to_have_text("Page 1 sur 2")
    first = screen.get_by_role("img", name=re.compile(r"page 1 sur 2$"))
    expect(first).to_be_visible(timeout=30_000)
    assert drawn_pixels(first) > 1000
    expect(screen.locator("iframe")).to_have_count(0)
    expect(page.locator("#shared-doc-download")).to_have_attribute("href", re.compile("^blob:"))
    assert_accessible(page, "shared-document-pdf")
    screenshot(page, "92-stamped-copy-pdf")
    assert outside == []


def add_scan(page: Page, scan: Path) -> Locator:
    """The person starts adding a document, picks `scan`; the offer to make it lighter."""
    page.get_by_role("button", name="Ajouter un document").first.click()
    kind = visible_screen(page, "add-kind")
    describe_document(kind, "domicile", "Quittance")
    kind.get_by_role("button", name="Suivant").click()
    visible_screen(page, "add-pages")
    pick_pages(page, [scan])
    offer = page.locator("#page-list .lighter")
    expect(offer).to_be_visible(timeout=30_000)
    return offer


def sizes(text: str) -> tuple[float, float]:
    """ "Avant : 2,9 Mo. Après : 480 Ko." -> (2.9e6, 480e3)."""
    found = re.findall(r"([\d,]+) (Ko|Mo)", text)
    assert len(found) == 2, text
    return tuple(  # type: ignore[return-value]
        float(n.replace(",", ".")) * (1e6 if unit == "Mo" else 1e3) for n, unit in found
    )


def stored_copy(page: Page, name: str) -> bytes:
    """Open `name` from the list: its pages are drawn; the bytes "Télécharger" saves."""
    visible_screen(page, "documents")
    open_document(page, name)
    canvas = page.locator("#doc-preview canvas").first
    expect(canvas).to_be_visible(timeout=30_000)
    assert drawn_pixels(canvas) > 1000
    expect(page.locator("#doc-download")).to_have_attribute("href", re.compile("^blob:"))
    return blob_bytes(page, "#doc-download")


@pytest.mark.both_backends  # the smaller document goes through the real upload and storage
def test_a_heavy_scan_made_lighter_with_the_persons_agreement_is_smaller_and_opens(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    scan = scanned_pdf(tmp_path / "quittance.pdf", 3)
    before = scan.stat().st_size
    assert before > 1_000_000
    outside = watch_requests(page, live_server)
    log_in_person(page, live_server, world)
    offer = add_scan(page, scan)
    megabytes = f"{before / 1e6:.1f}".replace(".", ",")
    expect(offer).to_contain_text(f"Ce document est lourd : {megabytes} Mo.")
    # Nothing is done, nothing ticked, until the person asks.
    expect(offer.locator("input")).to_have_count(0)
    assert_accessible(page, "add-pages-lighter-offer")
    screenshot(page, "93-lighter-offer")
    offer.get_by_role("button", name="Rendre ce document plus léger").click()
    keep = offer.get_by_role("button", name="Garder le document d'origine")
    expect(keep).to_be_visible(timeout=60_000)
    expect(keep).to_be_focused()
    shown_before, shown_after = sizes(offer.inner_text())
    assert abs(shown_before - before) <= 50_000
    assert shown_after < before / 2
    assert_accessible(page, "add-pages-lighter-done")
    screenshot(page, "94-lighter-done")
    page.get_by_role("button", name="Mettre dans mon coffre").click()

    stored = stored_copy(page, "Quittance")
    assert stored.startswith(b"%PDF-")
    assert len(stored) < before / 2
    assert abs(len(stored) - shown_after) <= max(1_000, shown_after * 0.06)
    with pikepdf.open(io.BytesIO(stored)) as pdf, pikepdf.open(scan) as original:
        assert len(pdf.pages) == 3
        # Each page keeps its size on paper.
        assert [list(p.mediabox) for p in pdf.pages] == [list(p.mediabox) for p in original.pages]
    assert outside == []


def test_keeping_the_original_sends_the_scan_byte_for_byte(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    scan = scanned_pdf(tmp_path / "quittance.pdf", 3)
    log_in_person(page, live_server, world)
    offer = add_scan(page, scan)
    offer.get_by_role("button", name="Rendre ce document plus léger").click()
    offer.get_by_role("button", name="Garder le document d'origine").click(timeout=60_000)
    megabytes = f"{scan.stat().st_size / 1e6:.1f}".replace(".", ",")
    expect(offer).to_contain_text(f"Vous gardez le document d'origine : {megabytes} Mo.")
    page.get_by_role("button", name="Mettre dans mon coffre").click()
    assert stored_copy(page, "Quittance") == scan.read_bytes()


def test_a_small_or_text_pdf_is_not_offered_to_be_made_lighter(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    # A heavy PDF with text on its pages: drawn as pictures, its text would be lost.
    heavy_text = text_pdf(tmp_path / "contrat.pdf", 3)
    with pikepdf.open(heavy_text, allow_overwriting_input=True) as pdf:
        pdf.attachments["annexe.bin"] = pikepdf.AttachedFileSpec(pdf, random.randbytes(1_200_000))
        pdf.save(heavy_text)
    assert heavy_text.stat().st_size > 1_000_000
    small_scan = scanned_pdf(tmp_path / "petit.pdf", 1, quality=75)
    assert small_scan.stat().st_size < 1_000_000
    log_in_person(page, live_server, world)
    page.get_by_role("button", name="Ajouter un document").first.click()
    kind = visible_screen(page, "add-kind")
    describe_document(kind, "domicile", "Contrat")
    kind.get_by_role("button", name="Suivant").click()
    visible_screen(page, "add-pages")
    pick_pages(page, [heavy_text, small_scan])
    page.wait_for_timeout(3_000)  # time for pdf.js to read the heavy one
    expect(page.locator("#page-list .lighter")).to_have_count(0)


def test_a_pdf_pdfjs_cannot_read_is_said_plainly_and_can_still_be_downloaded(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    broken = tmp_path / "Notice CAF.pdf"
    broken.write_bytes(b"%PDF-1.4\n% notice CAF\n" * 40)
    with person_client(live_server, world) as (client, keys):
        client.upload(broken, "caf", keys=keys)
    log_in_person(page, live_server, world)
    open_document(page, "Notice CAF")
    preview = page.locator("#doc-preview")
    expect(preview).to_contain_text(
        "Ce document ne s'affiche pas ici. Touchez « Télécharger » pour l'ouvrir sur votre "
        "téléphone.",
        timeout=30_000,
    )
    expect(preview.locator("canvas")).to_have_count(0)
    expect(page.locator("#doc-download")).to_have_attribute("href", re.compile("^blob:"))
    assert blob_bytes(page, "#doc-download") == broken.read_bytes()
