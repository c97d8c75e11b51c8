"""The demo's papers: small documents drawn here, with fictitious content only.

Each is an image of a page (Pillow) saved as a PDF or a PNG, a few tens of kilobytes,
with "DOCUMENT FICTIF — DÉMONSTRATION" across it: no real person, number or
administration's form is copied. They go into the vaults through the real client
(encrypted and bound here, SPEC §24), like a photo a person takes with their phone.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 620, 877  # A4 at 75 dpi: small, still readable
STAMP = "DOCUMENT FICTIF — DÉMONSTRATION"


def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """DejaVu Sans where the system has it (accents drawn), else Pillow's own font,
    which has no accents: the text is then written without them."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size), True
    except OSError:
        return ImageFont.load_default(size=size), False


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("—", "-").replace("’", "'"))
    return "".join(c for c in decomposed if ord(c) < 128)


@dataclass(frozen=True)
class Paper:
    name: str  # the file name the person sees (encrypted in the metadata)
    category: str  # coffre/vault/categories.py
    title: str
    lines: tuple[str, ...]
    # The expiry date the person sets, in days from the day the demo is loaded (so a
    # paper "about to expire" stays so whatever the day), or None.
    expires_in_days: int | None = None

    @property
    def mime(self) -> str:
        return "application/pdf" if self.name.endswith(".pdf") else "image/png"

    def expires_on(self, today: date) -> str | None:
        if self.expires_in_days is None:
            return None
        return (today + timedelta(days=self.expires_in_days)).isoformat()

    def render(self) -> bytes:
        """The page as PDF or PNG bytes (same input, same picture)."""
        page = Image.new("RGB", (WIDTH, HEIGHT), "white")
        draw = ImageDraw.Draw(page)
        title, accents = _font(24)
        text, _ = _font(16)
        big, _ = _font(30)

        def shown(words: str) -> str:
            return words if accents else _plain(words)

        draw.rectangle((0, 0, WIDTH, 70), fill=(30, 60, 110))
        draw.text((24, 20), shown(self.title), font=title, fill="white")
        y = 110
        for line in self.lines:
            draw.text((32, y), shown(line), font=text, fill=(20, 20, 20))
            y += 30
        stamp = Image.new("RGBA", (WIDTH, 60), (0, 0, 0, 0))
        ImageDraw.Draw(stamp).text((20, 10), shown(STAMP), font=big, fill=(200, 0, 0, 150))
        rotated = stamp.rotate(35, expand=True)
        page.paste(rotated, (0, HEIGHT // 2 - rotated.height // 2), rotated)
        out = io.BytesIO()
        if self.mime == "application/pdf":
            page.save(out, format="PDF", resolution=75.0)
        else:
            page.convert("P", palette=Image.Palette.ADAPTIVE, colors=32).save(
                out, format="PNG", optimize=True
            )
        return out.getvalue()
