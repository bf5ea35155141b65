"""A Dash layout as static HTML, the markup React makes of it, for the page's first paint.

Only what the site's layouts use is known: Dash's html components, dcc.Link (an anchor),
dcc.Graph (its empty frame, holding its height), the data-only dcc.Location and dcc.Store
(nothing), and the site's own components (their markup). Another component raises, so a new one is
added here before any page uses it.
Every id, and every attribute naming one, gets a prefix: the page Dash renders next to the
first paint keeps its ids unique.
"""

from __future__ import annotations

from html import escape

from dash.development.base_component import Component

from dashboard.components.site_component import SiteComponent

ATTRIBUTES = {
    "className": "class",
    "htmlFor": "for",
    "tabIndex": "tabindex",
    "colSpan": "colspan",
    "rowSpan": "rowspan",
    "readOnly": "readonly",
    "maxLength": "maxlength",
    "minLength": "minlength",
    "autoComplete": "autocomplete",
    "spellCheck": "spellcheck",
    "accessKey": "accesskey",
    "dateTime": "datetime",
}
DASH_ONLY = frozenset(
    {"children", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "key", "loading_state"}
)
ID_LISTS = frozenset(
    {"id", "htmlFor", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns"}
)
VOID = frozenset({"area", "br", "col", "hr", "img", "input", "wbr"})
UNITLESS = frozenset({"flex", "flexGrow", "flexShrink", "fontWeight", "lineHeight", "opacity",
                      "order", "zIndex", "zoom"})  # fmt: skip
DATA_ONLY = frozenset({"Location", "Store"})  # dcc components that draw nothing


def css(style: dict) -> str:
    """Return a style prop as a style attribute (camelCase to kebab-case, numbers in px)."""
    parts = []
    for name, value in style.items():
        prop = (
            name
            if name.startswith("--")
            else "".join(f"-{c.lower()}" if c.isupper() else c for c in name)
        )
        if isinstance(value, int | float) and not isinstance(value, bool) and name not in UNITLESS:
            value = f"{value}px"
        parts.append(f"{prop}: {value}")
    return "; ".join(parts)


def attribute(name: str, value: object, prefix: str) -> str:
    """Return one attribute as markup ("" for an absent one), ids prefixed."""
    if value is None or (value is False and not name.startswith(("aria-", "data-"))):
        return ""
    html_name = ATTRIBUTES.get(name, name)
    if value is True and not name.startswith(("aria-", "data-")):
        return f" {html_name}"
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif name == "style":
        text = css(value)
    elif name in ID_LISTS:
        text = " ".join(prefix + part for part in str(value).split())
    elif name == "href" and str(value).startswith("#"):
        text = "#" + prefix + str(value)[1:]
    else:
        text = str(value)
    return f' {html_name}="{escape(text)}"'


def element(tag: str, props: dict, prefix: str, inner: str) -> str:
    """Return an element with its props as attributes around its inner markup."""
    attrs = "".join(attribute(k, v, prefix) for k, v in props.items() if k not in DASH_ONLY)
    if tag in VOID:
        return f"<{tag}{attrs}>"
    return f"<{tag}{attrs}>{inner}</{tag}>"


def to_html(node: object, prefix: str, overrides: dict[str, dict] | None = None) -> str:
    """Return the markup of a layout; `overrides` sets props of components by id (the page
    inside Dash's page container, what a browser script would set)."""
    overrides = overrides or {}
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, str | int | float):
        return escape(str(node), quote=False)
    if isinstance(node, list | tuple):
        return "".join(to_html(child, prefix, overrides) for child in node)
    if not isinstance(node, Component):
        raise TypeError(f"cannot render {type(node).__name__} as HTML")
    if isinstance(node, SiteComponent):
        return to_html(node.markup(), prefix, overrides)
    props = node.to_plotly_json()["props"]
    props = props | overrides.get(props.get("id"), {})
    kind, namespace = node._type, node._namespace
    children = props.get("children")
    if namespace == "dash_html_components":
        return element(kind.lower(), props, prefix, to_html(children, prefix, overrides))
    if namespace == "dash_core_components":
        if kind in DATA_ONLY:
            return ""
        if kind == "Link":
            kept = {k: v for k, v in props.items() if k != "refresh"}
            return element("a", kept, prefix, to_html(children, prefix, overrides))
        if kind == "Graph":  # empty, as Dash leaves it until plotly.js draws (CSS holds its height)
            names = " ".join(filter(None, ("dash-graph", props.get("className"))))
            kept = {"id": props.get("id"), "className": names}
            return element("div", kept, prefix, "")
    raise TypeError(f"no static HTML for {namespace}.{kind}: add it to {__name__}")
