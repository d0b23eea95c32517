"""Packshot-like pictures of the demo products, drawn with Pillow (nothing downloaded):
the product's shape for its category (a bag of food, a ball, a collar, a bottle, a
brush) in a colour of its own, on a white studio background with a soft shadow."""

import hashlib
import io

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = (960, 720)
PALETTE = [
    (14, 111, 98),
    (196, 84, 52),
    (52, 97, 178),
    (214, 160, 38),
    (128, 72, 160),
    (40, 140, 72),
    (200, 60, 110),
    (60, 60, 70),
]


def _colour(sku: str) -> tuple[int, int, int]:
    return PALETTE[int(hashlib.sha1(sku.encode()).hexdigest(), 16) % len(PALETTE)]


def _lighter(colour, amount=0.55):
    return tuple(int(c + (255 - c) * amount) for c in colour)


def _font(size: int):
    return ImageFont.load_default(size=size)


def _shadow(canvas: Image.Image, box) -> None:
    shadow = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(shadow).ellipse(box, fill=90)
    shadow = shadow.filter(ImageFilter.GaussianBlur(18))
    canvas.paste((170, 170, 175), mask=shadow)


def _label(draw, box, brand: str, colour) -> None:
    draw.rounded_rectangle(box, radius=18, fill=(255, 255, 255))
    x0, y0, x1, y1 = box
    text = brand.upper()[:14] or "PET SHOP"
    font = _font(34)
    width = draw.textlength(text, font=font)
    draw.text(((x0 + x1 - width) / 2, (y0 + y1) / 2 - 20), text, fill=colour, font=font)


def _bag(draw, colour, brand):
    draw.polygon([(330, 150), (630, 150), (670, 600), (290, 600)], fill=colour)
    for x in range(330, 631, 20):  # the crimped top
        draw.polygon([(x, 150), (x + 10, 128), (x + 20, 150)], fill=colour)
    draw.rectangle((300, 540, 660, 600), fill=_lighter(colour, 0.25))
    _label(draw, (350, 280, 610, 420), brand, colour)


def _ball(draw, colour, brand):
    draw.ellipse((300, 170, 660, 530), fill=colour)
    # A seam across the ball: two white curves, kept inside its outline.
    draw.arc((180, 120, 480, 580), -48, 48, fill=(255, 255, 255), width=18)
    draw.arc((480, 120, 780, 580), 132, 228, fill=(255, 255, 255), width=18)
    draw.ellipse((370, 220, 420, 270), fill=_lighter(colour, 0.5))


def _collar(draw, colour, brand):
    draw.ellipse((270, 170, 690, 510), outline=colour, width=48)
    draw.rectangle((455, 150, 505, 200), fill=(200, 200, 205))
    draw.ellipse((440, 480, 520, 560), fill=(222, 180, 60))


def _bottle(draw, colour, brand):
    draw.rounded_rectangle((380, 130, 580, 200), radius=14, fill=_lighter(colour, 0.2))
    draw.rounded_rectangle((340, 190, 620, 600), radius=40, fill=colour)
    _label(draw, (360, 310, 600, 450), brand, colour)


def _brush(draw, colour, brand):
    draw.rounded_rectangle((250, 330, 520, 400), radius=30, fill=colour)
    draw.rounded_rectangle((500, 250, 720, 480), radius=40, fill=_lighter(colour, 0.2))
    for x in range(520, 705, 18):
        for y in range(270, 465, 18):
            draw.ellipse((x, y, x + 7, y + 7), fill=(245, 245, 245))


SHAPES = {
    "food": _bag,
    "toys": _ball,
    "accessories": _collar,
    "health": _bottle,
    "grooming": _brush,
}


def packshot_jpeg(*, sku: str, category: str, brand: str) -> bytes:
    """A JPEG packshot of one demo product (deterministic for a sku)."""
    canvas = Image.new("RGB", SIZE, (250, 250, 250))
    _shadow(canvas, (270, 560, 690, 625))
    draw = ImageDraw.Draw(canvas)
    colour = _colour(sku)
    SHAPES.get(category, _bag)(draw, colour, brand)
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()
