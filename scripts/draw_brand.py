"""Draw the integration's brand images into custom_components/esp_rainmaker/brand/.

The mark is a raindrop (the "rain" of RainMaker) in a blue gradient holding a white
microchip (the ESP32 the devices run on). It is drawn at four times the target size
and scaled down, so edges stay smooth; shapes are bold enough to read at 32 px.

    scripts/leg run newest python scripts/draw_brand.py

Needs Pillow (a Home Assistant dependency, so it is in every test leg). The PNGs are
committed; nothing runs this script at run time.
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = (
    Path(__file__).resolve().parents[1]
    / "custom_components"
    / "esp_rainmaker"
    / "brand"
)
SCALE = 4  # supersampling factor

TOP = (79, 195, 247)  # light sky blue
BOTTOM = (13, 71, 161)  # deep blue
WHITE = (255, 255, 255)
TEXT_LIGHT = (13, 71, 161)  # on light backgrounds
TEXT_DARK = (227, 242, 253)  # on dark backgrounds
FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)

type Color = tuple[int, int, int]
type Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def gradient(size: int, top: Color, bottom: Color) -> Image.Image:
    """Return a square vertical gradient."""
    column = Image.new("RGBA", (1, size))
    for y in range(size):
        t = y / max(1, size - 1)
        column.putpixel(
            (0, y),
            (*(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)), 255),
        )
    return column.resize((size, size))


def drop_outline(size: int) -> list[tuple[float, float]]:
    """Return the outline of a raindrop filling a square of `size`.

    A circle at the bottom and two tangents meeting at the apex on top.
    """
    radius = size * 0.36
    cx, cy = size / 2, size * 0.60
    apex = size * 0.04
    distance = cy - apex
    beta = math.acos(radius / distance)  # tangent points, measured from "up"
    points = [(cx, apex)]
    steps = 180
    for i in range(steps + 1):
        phi = beta + (2 * math.pi - 2 * beta) * i / steps
        points.append((cx + radius * math.sin(phi), cy - radius * math.cos(phi)))
    return points


def draw_chip(draw: ImageDraw.ImageDraw, size: int) -> None:
    """Draw a white chip with three pins a side in the round part of the drop."""
    cx, cy = size / 2, size * 0.62
    half = size * 0.15
    pin_length, pin_width = size * 0.065, size * 0.04
    radius = size * 0.035
    draw.rounded_rectangle(
        (cx - half, cy - half, cx + half, cy + half), radius=radius, fill=WHITE
    )
    for offset in (-half * 0.55, 0.0, half * 0.55):
        for x0, y0, x1, y1 in (
            (
                cx + offset - pin_width / 2,
                cy - half - pin_length,
                cx + offset + pin_width / 2,
                cy - half,
            ),
            (
                cx + offset - pin_width / 2,
                cy + half,
                cx + offset + pin_width / 2,
                cy + half + pin_length,
            ),
            (
                cx - half - pin_length,
                cy + offset - pin_width / 2,
                cx - half,
                cy + offset + pin_width / 2,
            ),
            (
                cx + half,
                cy + offset - pin_width / 2,
                cx + half + pin_length,
                cy + offset + pin_width / 2,
            ),
        ):
            draw.rounded_rectangle((x0, y0, x1, y1), radius=pin_width / 3, fill=WHITE)
    # The die: a blue square inside the package.
    die = half * 0.45
    draw.rounded_rectangle(
        (cx - die, cy - die, cx + die, cy + die), radius=radius * 0.6, fill=BOTTOM
    )


def mark(size: int) -> Image.Image:
    """Return the mark (drop and chip) on a transparent square of `size` pixels."""
    big = size * SCALE
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).polygon(drop_outline(big), fill=255)
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    image.paste(gradient(big, TOP, BOTTOM), (0, 0), mask)

    # A soft highlight along the left of the drop's round part.
    shine = Image.new("L", (big, big), 0)
    r = big * 0.29
    cx, cy = big / 2, big * 0.60
    ImageDraw.Draw(shine).arc(
        (cx - r, cy - r, cx + r, cy + r), 150, 225, fill=110, width=round(big * 0.035)
    )
    image.paste(Image.new("RGBA", (big, big), (*WHITE, 255)), (0, 0), shine)

    draw_chip(ImageDraw.Draw(image), big)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def font(size: int) -> Font:
    """Return a bold font of `size` pixels (Pillow's own font if none is installed)."""
    for path in FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def logo(height: int, text_color: Color) -> Image.Image:
    """Return the mark next to the name "ESP RainMaker", `height` pixels high."""
    big = height * SCALE
    name_font, prefix_font = font(round(big * 0.34)), font(round(big * 0.20))
    prefix, name = "ESP", "RainMaker"
    gap = big * 0.06
    name_box = name_font.getbbox(name)
    prefix_box = prefix_font.getbbox(prefix)
    width = round(big + gap + (name_box[2] - name_box[0]) + big * 0.06)
    image = Image.new("RGBA", (width, big), (0, 0, 0, 0))
    image.paste(mark(big), (0, 0))
    draw = ImageDraw.Draw(image)
    left = big + gap
    prefix_height = prefix_box[3] - prefix_box[1]
    name_height = name_box[3] - name_box[1]
    top = (big - prefix_height - name_height - big * 0.05) / 2
    draw.text(
        (left - prefix_box[0], top - prefix_box[1]),
        prefix,
        font=prefix_font,
        fill=text_color,
    )
    draw.text(
        (left - name_box[0], top + prefix_height + big * 0.05 - name_box[1]),
        name,
        font=name_font,
        fill=text_color,
    )
    return image.resize((width // SCALE, height), Image.Resampling.LANCZOS)


def main() -> None:
    """Write every brand image."""
    BRAND.mkdir(parents=True, exist_ok=True)
    images = {
        "icon.png": mark(256),
        "icon@2x.png": mark(512),
        "logo.png": logo(256, TEXT_LIGHT),
        "logo@2x.png": logo(512, TEXT_LIGHT),
        "dark_logo.png": logo(256, TEXT_DARK),
        "dark_logo@2x.png": logo(512, TEXT_DARK),
    }
    for name, image in images.items():
        image.save(BRAND / name, optimize=True)
        print(f"{name}: {image.width}x{image.height}")


if __name__ == "__main__":
    main()
