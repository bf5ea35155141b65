"""Dash's wire format as its renderer speaks it: callback request bodies and layout JSON.

For the request check, and the tests and benchmarks that drive the app over HTTP as a browser
would.
"""

from __future__ import annotations

from collections.abc import Iterator

ROUTER_OUTPUT = "_pages_content"  # Dash pages' router writes each page into this component
COMPONENTS = "csec_components"  # the site's own Dash components (assets/text_table.js, select.js)
TEXT_TABLE = "TextTable"  # dashboard/components/table.py: its text is in its rows, not children
SELECT = "Select"  # dashboard/components/controls.py: its options are data, not children


def output_ids(output: str) -> list[tuple[str, str]]:
    """Return the (id, property) pairs named by a callback's output string."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(p.rsplit(".", 1)) for p in parts if "." in p]  # no-output: a hash


def dep_outputs(dep: dict) -> list[tuple[str, str]]:
    """Return the (id, property) outputs of a /_dash-dependencies entry."""
    return output_ids(dep["output"])


def callback_body(dep: dict, values: list) -> dict:
    """Return the /_dash-update-component body of one callback for input values."""
    outputs = [{"id": i, "property": p} for i, p in dep_outputs(dep)]
    inputs = [
        {"id": i["id"], "property": i["property"], "value": v}
        for i, v in zip(dep["inputs"], values, strict=True)
    ]
    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
        "state": [],
    }


def router_dep(deps: list[dict]) -> dict:
    """Return Dash's page-router dependency from /_dash-dependencies."""
    return next(d for d in deps if ROUTER_OUTPUT in d["output"])


def walk(node) -> Iterator[dict]:
    """Yield every component dict of a Dash layout JSON tree."""
    if isinstance(node, list):
        for child in node:
            yield from walk(child)
    elif isinstance(node, dict) and "props" in node:
        yield node
        if node.get("namespace") == COMPONENTS and node.get("type") == TEXT_TABLE:
            yield from table_texts(node["props"])
        if node.get("namespace") == COMPONENTS and node.get("type") == SELECT:
            yield from select_options(node["props"]["options"])
        yield from walk(node["props"].get("children"))


def table_texts(props: dict) -> Iterator[dict]:
    """Yield the component dicts of a TextTable's markup: caption, headers, cells and links."""
    yield node_of("Caption", props["caption"])
    for column in props["columns"]:
        yield node_of("Th", column["label"])
    for row in props["rows"]:
        for i, cell in enumerate(row):
            link = isinstance(cell, dict)
            yield node_of("Th" if i == 0 else "Td", None if link else cell)
            if link:
                yield node_of("Link", cell["text"], href=cell["href"])


def select_options(options: list[dict]) -> Iterator[dict]:
    """Yield the component dicts of a Select's options (and option groups)."""
    for option in options:
        if "options" in option:
            yield node_of("Optgroup", None, label=option["label"])
            yield from select_options(option["options"])
        else:
            yield node_of("Option", option["label"], value=option["value"])


def node_of(kind: str, children: object, **props: object) -> dict:
    """Return the layout JSON of an html component (dcc for a Link)."""
    namespace = "dash_core_components" if kind == "Link" else "dash_html_components"
    return {"type": kind, "namespace": namespace, "props": {"children": children, **props}}
