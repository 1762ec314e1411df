#!/usr/bin/env python3
"""Draws the two "hand-drawn" inputs of notebook 1.7.1 as strokes, the way one draws with a
mouse: thick coloured lines with a little wobble, on a white 300x300 canvas.

Run: /usr/bin/python3 tools/images/draw_sketches.py   (needs Pillow)
Writes Notebooks/images/sketch-house.png and Notebooks/images/sketch-cat.png.
The wobble comes from a seeded generator, so the output is the same on every run.
"""
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[2] / "Notebooks" / "images"
rng = random.Random(5)


def wobbly(points, amount=2.0, steps=6):
    """The polyline through `points`, subdivided and jittered like a hand stroke."""
    out = []
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        for i in range(steps):
            t = i / steps
            out.append((x0 + (x1 - x0) * t + rng.uniform(-amount, amount),
                        y0 + (y1 - y0) * t + rng.uniform(-amount, amount)))
    out.append(points[-1])
    return out


def stroke(draw, points, colour, width=7):
    draw.line(wobbly(points), fill=colour, width=width, joint="curve")


def circle_points(cx, cy, r, n=24):
    return [(cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)) for i in range(n + 1)]


def fill(draw, points, colour):
    draw.polygon(wobbly(points, amount=1.5, steps=3), fill=colour)


def house():
    img = Image.new("RGB", (300, 300), "white")
    d = ImageDraw.Draw(img)
    fill(d, [(0, 230), (300, 230), (300, 300), (0, 300)], (90, 170, 70))            # grass
    fill(d, [(70, 140), (210, 140), (210, 235), (70, 235)], (230, 80, 60))          # walls
    fill(d, [(55, 145), (140, 70), (225, 145)], (120, 70, 40))                      # roof
    fill(d, [(120, 180), (160, 180), (160, 235), (120, 235)], (90, 60, 30))        # door
    fill(d, [(85, 160), (110, 160), (110, 185), (85, 185)], (120, 190, 240))       # window
    fill(d, [(175, 160), (200, 160), (200, 185), (175, 185)], (120, 190, 240))
    fill(d, circle_points(245, 55, 28), (250, 200, 40))                             # sun
    for k in range(8):
        a = 2 * math.pi * k / 8
        stroke(d, [(245 + 36 * math.cos(a), 55 + 36 * math.sin(a)), (245 + 52 * math.cos(a), 55 + 52 * math.sin(a))], (250, 180, 30), 5)
    stroke(d, [(70, 140), (210, 140), (210, 235), (70, 235), (70, 140)], (40, 30, 30), 4)
    stroke(d, [(55, 145), (140, 70), (225, 145)], (40, 30, 30), 4)
    return img


def cat():
    img = Image.new("RGB", (300, 300), "white")
    d = ImageDraw.Draw(img)
    fill(d, circle_points(150, 165, 90, 32), (240, 160, 60))                       # head
    fill(d, [(72, 120), (85, 40), (130, 88)], (240, 160, 60))                       # ears
    fill(d, [(228, 120), (215, 40), (170, 88)], (240, 160, 60))
    fill(d, circle_points(115, 150, 14), (40, 120, 60))                             # eyes
    fill(d, circle_points(185, 150, 14), (40, 120, 60))
    fill(d, [(140, 185), (160, 185), (150, 197)], (220, 90, 120))                   # nose
    stroke(d, [(150, 197), (150, 210), (135, 220)], (60, 30, 20), 4)                # mouth
    stroke(d, [(150, 210), (165, 220)], (60, 30, 20), 4)
    for dy in (-8, 6):                                                             # whiskers
        stroke(d, [(120, 200 + dy), (60, 195 + 2 * dy)], (60, 30, 20), 3)
        stroke(d, [(180, 200 + dy), (240, 195 + 2 * dy)], (60, 30, 20), 3)
    stroke(d, circle_points(150, 165, 90, 32), (60, 30, 20), 4)
    return img


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    house().save(OUT / "sketch-house.png", optimize=True)
    cat().save(OUT / "sketch-cat.png", optimize=True)
    print("wrote", OUT / "sketch-house.png", OUT / "sketch-cat.png")
