"""WCAG 2.1 AA contrast of every colour pair of assets/style.css and of the figure theme (4.5:1
text, 3:1 UI components and graphical objects), and colour never the only carrier of meaning in
the figures (suppressed / not opted in are also marked and labelled)."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import polars as pl
import pytest
from conftest import ROOT

from dashboard import domain
from dashboard.figures import bars, map, theme, trend

TEXT, UI = 4.5, 3.0  # all text is held to 4.5:1, so large text (3:1) needs no pair of its own
CSS = (ROOT / "assets" / "style.css").read_text()
COLOUR = re.compile(r"#[0-9a-fA-F]{3,6}\b|rgba?\([^)]*\)|var\(--[\w-]+\)|\b(?:white|black)\b")
NAMED = {"white": "#ffffff", "black": "#000000"}


def _rules(css: str) -> dict[str, dict[str, str]]:
    """Return selector -> property -> value of the CSS (media queries flattened, last wins)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules: dict[str, dict[str, str]] = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        props = dict(re.findall(r"([\w-]+)\s*:\s*([^;]+)", body))
        rules.setdefault(" ".join(selector.split()), {}).update(
            {k: v.strip() for k, v in props.items()}
        )
    return rules


RULES = _rules(CSS)
VARS = RULES[":root"]


def rgba(value: str, over: tuple[float, ...] = (255, 255, 255)) -> tuple[float, float, float]:
    """Return the RGB of a CSS colour (hex, rgb(a), var(), white/black), alpha-blended over `over`."""
    value = NAMED.get(value, value)
    if value.startswith("var("):
        return rgba(VARS[value[4:-1]], over)
    if value.startswith("#"):
        digits = value[1:] if len(value) == 7 else "".join(c * 2 for c in value[1:])
        return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
    numbers = [float(x) for x in re.findall(r"[\d.]+", value)]
    *rgb, alpha = [*numbers, 1.0][:4]
    return tuple(a * alpha + b * (1 - alpha) for a, b in zip(rgb, over, strict=True))


def luminance(rgb: tuple[float, ...]) -> float:
    """Return WCAG relative luminance."""
    linear = [
        c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Return the WCAG contrast ratio of two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def css(ref: str, over: str = "#ffffff") -> tuple[float, float, float]:
    """Return a colour of the stylesheet: "--var", or "selector|property" (first colour in it)."""
    if ref.startswith("--"):
        return rgba(VARS[ref])
    selector, prop = ref.split("|")
    return rgba(COLOUR.search(RULES[selector][prop]).group(), rgba(over))


HEADER = ".site-header|background"
# (foreground, background, minimum, where): every text and UI colour of the stylesheet on
# every background it is drawn on.
CSS_PAIRS = [
    *[("--text", bg, TEXT, "body text") for bg in ("--bg", "--panel", "--warn-bg")],
    ("--text", ".caveat|background", TEXT, "caveat box"),
    *[("--muted", bg, TEXT, "hints, sources, stat details") for bg in ("--bg", "--panel")],
    *[("--accent", bg, TEXT, "links and buttons") for bg in ("--bg", "--panel")],
    ("--accent", ".button:hover, .downloads button:hover|background", TEXT, "hovered button"),
    *[("--accent-dark", bg, TEXT, "hovered links") for bg in ("--bg", "--panel")],
    (".skip-link|color", ".skip-link|background", TEXT, "skip link"),
    (".site-header .brand|color", HEADER, TEXT, "site name"),
    (".site-header nav a|color", HEADER, TEXT, "navigation"),
    (".site-header nav a:hover|color", "hover-nav", TEXT, "hovered navigation"),
    (
        '.site-header nav a[aria-current="page"]|color',
        '.site-header nav a[aria-current="page"]|background',
        TEXT,
        "current page in the navigation",
    ),
    (
        '.button-group button[aria-pressed="true"]|color',
        '.button-group button[aria-pressed="true"]|background',
        TEXT,
        "pressed toggle button",
    ),
    *[("--focus", bg, UI, "focus outline") for bg in ("--bg", "--panel", "--warn-bg")],
    (".site-header :focus-visible|outline-color", HEADER, UI, "focus outline in the header"),
    *[(".control select|border", bg, UI, "select border") for bg in ("--bg", "--panel")],
    *[
        (".button-group button|border", bg, UI, "toggle button border")
        for bg in ("--bg", "--panel")
    ],
    *[(".button, .downloads button|border", bg, UI, "button border") for bg in ("--bg", "--panel")],
]
# Colours that carry no information: card and table rules, and the edge of the notice boxes
# (their text says what they are).
DECORATIVE = {"--line", "--warn-line"}


def _colour(ref: str) -> tuple[float, float, float]:
    """Return a colour of CSS_PAIRS (the hovered navigation is a translucent white on the header)."""
    if ref == "hover-nav":
        return css(".site-header nav a:hover|background", over=RULES[".site-header"]["background"])
    return css(ref)


@pytest.mark.parametrize(("fg", "bg", "minimum", "where"), CSS_PAIRS)
def test_stylesheet_pair_meets_wcag_aa(fg, bg, minimum, where):
    value = ratio(_colour(fg), _colour(bg))
    assert value >= minimum, f"{where}: {fg} on {bg} is {value:.2f}:1 < {minimum}:1"


def test_every_stylesheet_colour_is_checked_or_decorative():
    checked = {_colour(ref) for pair in CSS_PAIRS for ref in pair[:2]}
    checked |= {rgba(VARS[name]) for name in DECORATIVE}
    colours = [c for c in COLOUR.findall(CSS) if not c.startswith("var(") or c[4:-1] in VARS]
    missed = {c for c in colours if rgba(c) not in checked}
    assert not missed, f"colours of style.css in no checked pair: {missed}"


FIGURE_PAIRS = [
    (theme.TEXT, "#ffffff", TEXT, "titles, labels, legend"),
    (theme.MUTED, "#ffffff", TEXT, "notes under the figure"),
    (theme.MUTED, theme.NOT_OPTED_IN_FILL, TEXT, "status labels on grey bands"),
    (theme.BAR, "#ffffff", UI, "bars"),
    (theme.BORDER, "#ffffff", UI, "axis lines and county outlines"),
    (theme.TEXT, theme.SUPPRESSED_FILL, UI, "× marker on suppressed counties"),
    (theme.TEXT, theme.NOT_OPTED_IN_FILL, UI, "○ marker on counties not opted in"),
    *[(c, "#ffffff", UI, f"trend line {i}") for i, c in enumerate(theme.PALETTE)],
]


@pytest.mark.parametrize(("fg", "bg", "minimum", "where"), FIGURE_PAIRS)
def test_figure_pair_meets_wcag_aa(fg, bg, minimum, where):
    value = ratio(rgba(fg), rgba(bg))
    assert value >= minimum, f"{where}: {fg} on {bg} is {value:.2f}:1 < {minimum}:1"


P, S, N = domain.PUBLISHED, domain.SUPPRESSED, domain.NOT_OPTED_IN


def test_map_marks_and_names_each_hidden_status(geojson):
    fips = [f["id"] for f in geojson["features"]][:3]
    frame = pl.DataFrame(
        {"fips": fips, "name": ["A", "B", "C"], "value": [12.5, None, None], "status": [P, S, N]}
    )
    fig = go.Figure(map.choropleth(frame, geojson, "Title", "per_100k", "Source", "Rate"))
    markers = {t.name: t.marker.symbol for t in fig.data if isinstance(t, go.Scattergeo)}
    assert len(set(markers.values())) == 2, markers
    assert any("Suppressed" in n for n in markers) and any("Not opted in" in n for n in markers)
    assert all(
        t.marker.line.color == theme.BORDER for t in fig.data if isinstance(t, go.Choropleth)
    )


def test_bars_label_hidden_values_in_words():
    frame = pl.DataFrame(
        {"label": ["A", "B", "C"], "value": [1200, None, None], "status": [P, S, N]},
        schema={"label": pl.String, "value": pl.Int64, "status": pl.String},
    )
    fig = go.Figure(bars.category_bars(frame, "Title", "count", "Source", "Reports"))
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert theme.STATUS_SHORT[S] in texts and theme.STATUS_SHORT[N] in texts


def test_trend_labels_years_not_opted_in():
    rows = [
        ("r", "Reports", s, None if s == "2015-16" else 20.0, N if s == "2015-16" else P)
        for s in domain.SFYS
    ]
    frame = pl.DataFrame(
        rows, schema=["series", "label", "period", "value", "status"], orient="row"
    )
    fig = go.Figure(trend.trend(frame, "Title", "count", "Source"))
    assert any(a.text == "not opted in" for a in fig.layout.annotations)
