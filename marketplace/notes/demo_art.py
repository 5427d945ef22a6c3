"""Cover pictures for the demo notes, drawn with Pillow so ``make run`` shows a feed that looks
like the product (Xiaohongshu's feed is pictures first) without shipping photographs.

Each picture is a soft gradient with a simple flat motif chosen from the note's tags (a
skincare bottle, mountains, a bowl, a room, a sun over water). Deterministic: the same note
always gets the same picture. Only the demo uses this module.
"""
from __future__ import annotations

import io
import random

# Motif -> tags that call for it (English and Chinese demo tags).
_MOTIFS = {
    "bottle": {"skincare", "sunscreen", "防晒", "护肤", "面膜", "补水", "精华", "口红", "彩妆", "敏感肌", "回购", "种草", "平价好物"},
    "mountains": {"hiking", "outdoor", "running", "露营", "攻略", "travel"},
    "bowl": {"早餐", "食谱", "火锅", "抹茶", "拿铁", "咖啡", "烘焙", "蛋糕", "dumplings", "recipe", "饺子", "做饭"},
    "room": {"home", "decor", "reading", "desk", "setup", "apartment"},
    "sun": {"summer", "杭州", "hangzhou", "yoga", "fitness", "morning"},
}
# (sky top, sky bottom, motif colour, accent) per motif: calm pastels with one strong colour.
_PALETTES = {
    "bottle": [("#ffe3dc", "#f9b8c1", "#ffffff", "#e8455a"), ("#fff1e0", "#ffd0a8", "#fffaf5", "#d9774b")],
    "mountains": [("#dff1ee", "#a9d8cf", "#4f8f7f", "#2f5e54"), ("#e6ecfb", "#b4c6ef", "#5b72b8", "#34478a")],
    "bowl": [("#fff4d9", "#ffd89c", "#ffffff", "#d9683b"), ("#fbe9e7", "#f5b7a8", "#fffdf9", "#b3261e")],
    "room": [("#f3efe9", "#dccfbf", "#8c6f57", "#e2a33d"), ("#eef0f5", "#c9cfdd", "#5a6478", "#f0b84b")],
    "sun": [("#ffe9d6", "#ffb5a0", "#ffcf5c", "#6fa8c8"), ("#e4f3fb", "#a8d5ee", "#ffd36b", "#3f86b5")],
}
# Shapes of the cards in a masonry feed: portrait, square, tall.
_SIZES = [(600, 800), (600, 600), (600, 750)]
_SCALE = 2  # drawn at twice the size, then shrunk: smooth edges without an anti-aliasing API


def motif_for(tags: str) -> str:
    words = set((tags or "").lower().split())
    for motif, keys in _MOTIFS.items():
        if words & keys:
            return motif
    return "sun"


def cover(seed: int, tags: str = "") -> bytes:
    """A JPEG cover for the demo note number ``seed`` with these tags."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    motif = motif_for(tags)
    top, bottom, main, accent = rng.choice(_PALETTES[motif])
    width, height = _SIZES[seed % len(_SIZES)]
    w, h = width * _SCALE, height * _SCALE
    image = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(image)
    _gradient(draw, w, h, _rgb(top), _rgb(bottom))
    for _ in range(5):  # soft light spots
        r = rng.randint(w // 10, w // 4)
        x, y = rng.randint(0, w), rng.randint(0, h // 2)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_mix(_rgb(top), (255, 255, 255), 0.45))
    _DRAW[motif](draw, w, h, _rgb(main), _rgb(accent), rng)
    image = image.resize((width, height), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=84, optimize=True)
    return out.getvalue()


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def _mix(a, b, t: float):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def _gradient(draw, w, h, top, bottom) -> None:
    for y in range(h):
        draw.line([(0, y), (w, y)], fill=_mix(top, bottom, y / h))


def _bottle(draw, w, h, main, accent, rng) -> None:
    cx, base = w // 2, int(h * 0.82)
    bw, bh = int(w * 0.30), int(h * 0.42)
    draw.ellipse((cx - bw, base - bw // 5, cx + bw, base + bw // 5), fill=_mix(accent, (255, 255, 255), 0.6))
    draw.rounded_rectangle((cx - bw // 2, base - bh, cx + bw // 2, base), radius=bw // 5, fill=main)
    draw.rounded_rectangle((cx - bw // 5, base - bh - bh // 5, cx + bw // 5, base - bh + bw // 12),
                           radius=bw // 12, fill=accent)
    draw.rounded_rectangle((cx - bw // 3, base - bh * 2 // 3, cx + bw // 3, base - bh // 3),
                           radius=bw // 16, fill=_mix(accent, (255, 255, 255), 0.75))
    draw.line((cx - bw // 5, base - bh // 2, cx + bw // 5, base - bh // 2), fill=accent, width=max(4, w // 150))
    # a small jar beside the bottle
    jx = cx + bw // 2 + bw // 3
    draw.rounded_rectangle((jx - bw // 4, base - bw // 2, jx + bw // 4, base), radius=bw // 10, fill=main)
    draw.rounded_rectangle((jx - bw // 4, base - bw // 2 - bw // 8, jx + bw // 4, base - bw // 2 + bw // 20),
                           radius=bw // 16, fill=accent)


def _mountains(draw, w, h, main, accent, rng) -> None:
    r = w // 9
    sx, sy = int(w * rng.uniform(0.6, 0.8)), int(h * 0.22)
    draw.ellipse((sx - r, sy - r, sx + r, sy + r), fill=(255, 246, 228))
    far = _mix(main, (255, 255, 255), 0.45)
    draw.polygon([(-w // 10, h * 0.75), (w * 0.3, h * 0.38), (w * 0.7, h * 0.75)], fill=far)
    draw.polygon([(w * 0.25, h * 0.8), (w * 0.68, h * 0.33), (w * 1.1, h * 0.8)], fill=main)
    draw.polygon([(w * 0.6, h * 0.42), (w * 0.68, h * 0.33), (w * 0.76, h * 0.42), (w * 0.68, h * 0.45)],
                 fill=(255, 255, 255))
    draw.rectangle((0, int(h * 0.78), w, h), fill=accent)
    for i in range(7):  # pines
        x = int(w * (0.05 + i * 0.14 + rng.uniform(-0.03, 0.03)))
        top = int(h * rng.uniform(0.64, 0.7))
        draw.polygon([(x - w // 28, h * 0.8), (x, top), (x + w // 28, h * 0.8)], fill=_mix(accent, (0, 0, 0), 0.2))


def _bowl(draw, w, h, main, accent, rng) -> None:
    cx, cy = w // 2, int(h * 0.58)
    table = _mix(accent, (255, 255, 255), 0.55)
    draw.rectangle((0, int(h * 0.72), w, h), fill=table)
    r = int(w * 0.36)
    draw.ellipse((cx - r, cy - r // 3, cx + r, cy + r // 3), fill=_mix(accent, (0, 0, 0), 0.1))
    draw.chord((cx - r, cy - r, cx + r, cy + r), 0, 180, fill=main)
    for i in range(6):  # what is in the bowl
        x = cx + int(r * rng.uniform(-0.7, 0.7))
        y = cy - int(r * rng.uniform(0.05, 0.22))
        s = int(r * rng.uniform(0.12, 0.2))
        colour = [accent, (255, 214, 102), (120, 170, 90)][i % 3]
        draw.ellipse((x - s, y - s, x + s, y + s), fill=colour)
    for i in range(3):  # steam
        x = cx + (i - 1) * r // 3
        draw.arc((x - r // 8, cy - r - r // 2, x + r // 8, cy - r // 2), 90, 270, fill=(255, 255, 255), width=w // 90)


def _room(draw, w, h, main, accent, rng) -> None:
    draw.rectangle((0, int(h * 0.74), w, h), fill=_mix(main, (255, 255, 255), 0.35))
    wx0, wy0, wx1, wy1 = int(w * 0.12), int(h * 0.12), int(w * 0.55), int(h * 0.5)
    draw.rectangle((wx0, wy0, wx1, wy1), fill=(235, 244, 252), outline=(255, 255, 255), width=w // 60)
    draw.line(((wx0 + wx1) // 2, wy0, (wx0 + wx1) // 2, wy1), fill=(255, 255, 255), width=w // 80)
    draw.line((wx0, (wy0 + wy1) // 2, wx1, (wy0 + wy1) // 2), fill=(255, 255, 255), width=w // 80)
    # armchair
    ax, ay = int(w * 0.2), int(h * 0.58)
    draw.rounded_rectangle((ax, ay, ax + int(w * 0.42), ay + int(h * 0.2)), radius=w // 30, fill=main)
    draw.rounded_rectangle((ax - w // 30, ay + int(h * 0.06), ax + w // 20, ay + int(h * 0.2)), radius=w // 40,
                           fill=_mix(main, (0, 0, 0), 0.15))
    # lamp with light
    lx = int(w * 0.78)
    draw.polygon([(lx - w // 10, h * 0.5), (lx + w // 10, h * 0.5), (lx + w // 5, h * 0.78), (lx - w // 5, h * 0.78)],
                 fill=_mix(accent, (255, 255, 255), 0.7))
    draw.line((lx, int(h * 0.42), lx, int(h * 0.76)), fill=(70, 60, 55), width=w // 90)
    draw.polygon([(lx - w // 12, h * 0.42), (lx + w // 12, h * 0.42), (lx + w // 20, h * 0.34), (lx - w // 20, h * 0.34)],
                 fill=accent)


def _sun(draw, w, h, main, accent, rng) -> None:
    r = int(w * 0.2)
    cx, cy = w // 2, int(h * 0.5)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=main)
    draw.rectangle((0, cy, w, h), fill=accent)
    for i in range(8):  # waves and the sun's reflection
        y = cy + int((i + 1) * h * 0.055)
        half = int(r * (1 - i / 9))
        draw.line((cx - half, y, cx + half, y), fill=_mix(main, (255, 255, 255), 0.3), width=max(4, w // 110))
        draw.arc((int(w * 0.05) + i * 37 % (w // 2), y - h // 60, int(w * 0.25) + i * 37 % (w // 2), y + h // 60),
                 200, 340, fill=_mix(accent, (255, 255, 255), 0.4), width=max(3, w // 160))


_DRAW = {"bottle": _bottle, "mountains": _mountains, "bowl": _bowl, "room": _room, "sun": _sun}
