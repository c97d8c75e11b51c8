"""Draw the installed app's icons (web/static/icons/coffre-<size>.png) from the favicon.

web/static/favicon.svg is a padlock drawn with strokes on a 24-unit grid; Pillow cannot
read SVG, so the same shapes are drawn here with Pillow's primitives: the favicon's
blue (#1f4fbf) fills the whole square (the icon is also offered as "maskable": Android
cuts it to a circle or a rounded square), the padlock in white within the central
safe zone (80 % of the side), drawn four times larger and scaled down for smooth edges.

Run once after changing the favicon, and commit the PNGs:
    .venv/bin/python scripts/make-icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (0x1F, 0x4F, 0xBF, 255)
WHITE = (255, 255, 255, 255)
SIZES = (192, 512)
OVERSAMPLE = 4
# The favicon's 24-unit grid drawn on this share of the icon's side (the padlock itself
# spans 16 x 18 units of it: ~50 % of the side, well inside the maskable safe zone).
GRID_SHARE = 0.66
OUT = Path(__file__).resolve().parent.parent / "web" / "static" / "icons"


def draw(size: int) -> Image.Image:
    big = size * OVERSAMPLE
    image = Image.new("RGBA", (big, big), BLUE)
    pen = ImageDraw.Draw(image)
    unit = big * GRID_SHARE / 24
    origin = (big - 24 * unit) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return (origin + x * unit, origin + y * unit)

    width = round(2 * unit)  # stroke-width="2"
    # <rect x="4" y="10" width="16" height="11" rx="2"/>
    pen.rounded_rectangle(
        [at(4, 10), at(20, 21)], radius=round(2 * unit), outline=WHITE, width=width
    )
    # <path d="M8 10V7a4 4 0 0 1 8 0v3"/>: two uprights joined by a half circle (r=4).
    half = width / 2
    for x in (8, 16):
        left, top = at(x, 7)
        _, bottom = at(x, 10)
        # From a little above the arc's ends (no seam) into the body's stroke.
        pen.rectangle([left - half, top - unit / 4, left + half, bottom + half], fill=WHITE)
    cx, cy = at(12, 7)
    r = 4 * unit
    pen.arc(
        [cx - r - half, cy - r - half, cx + r + half, cy + r + half],
        180,
        360,
        fill=WHITE,
        width=width,
    )
    # stroke-linecap="round" at the shackle's ends (hidden in the body's stroke anyway).
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        draw(size).save(OUT / f"coffre-{size}.png", optimize=True)
        print(OUT / f"coffre-{size}.png")


if __name__ == "__main__":
    main()
