"""Dash's wire format as its renderer speaks it: callback request bodies and layout JSON.

For the request check, and the tests and benchmarks that drive the app over HTTP as a browser
would.
"""

from __future__ import annotations

from collections.abc import Iterator

ROUTER_OUTPUT = "_pages_content"  # Dash pages' router writes each page into this component
COMPONENTS = "csec_components"  # the site's own components (site_component.py); walk reads
# their markup: a table's text is in its rows, a select's options are data, not children
TEXT_TABLE = "TextTable"  # dashboard/components/table.py, assets/text_table.js
SELECT = "Select"  # dashboard/components/controls.py, assets/select.js


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
        if node.get("namespace") == COMPONENTS:
            from dashboard.components.site_component import markup_json  # (it imports this)

            yield from walk(markup_json(node))
        yield from walk(node["props"].get("children"))
