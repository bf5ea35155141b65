"""The Dash app factory: verified release, cache, pages, download routes, accessible shell."""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path

import dash
from flask import Flask, Response, abort, request, send_file

from dashboard import charts, pages, urlstate
from dashboard import server as serving
from dashboard.cache import init_cache
from dashboard.components import shell
from dashboard.data import boundaries, bundle, history, release
from dashboard.settings import ROOT, Settings

ASSETS = ROOT / "assets"
# The icon is inline (no request; not Dash's Plotly logo): a square of the accent colour.
INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
{%metas%}
<title>{%title%}</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%23005a9c'/%3E%3C/svg%3E">
{%css%}
</head>
<body>
<noscript>This dashboard needs JavaScript for its charts and controls: below, each chart's
numbers are in its table. Every published number is also in the release files at
/download/release/.</noscript>
{%app_entry%}
{%config%}
{%scripts%}
{%renderer%}
</body>
</html>"""


def is_page(path: str) -> bool:
    """Return whether a path is one of the dashboard's pages, any county it names a known one."""
    found = urlstate.page_of_path(path.strip("/"))
    if found is None or found[0] == "not_found":
        return False
    county = found[1].get("county")
    return county is None or release.latest().geos.resolve_county(county) is not None


def kept_release(release_id: str) -> release.Release:
    """Return a kept release by the id a download link names, or abort with 404."""
    try:
        return history.current().load(release_id)
    except release.ReleaseError:
        abort(404, f"no kept release {release_id[:40]!r} (the downloads page lists them)")


def release_download(rel: release.Release, name: str) -> Response:
    """Return a file of a release (or its zip, or SHA256SUMS) as a download; 404 if none."""
    if name == bundle.zip_name(rel):
        return Response(
            bundle.release_zip(rel),
            mimetype="application/zip",
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )
    if name == "SHA256SUMS":
        return Response(  # octet-stream: browsers add ".txt" to a text/plain download
            bundle.sha256sums(rel),
            mimetype="application/octet-stream",
            headers={"Content-Disposition": "attachment; filename=SHA256SUMS"},
        )
    served = bundle.served_files(rel)
    if name not in served:
        abort(404)
    return send_file(
        rel.directory / name, mimetype=served[name], as_attachment=True, download_name=name
    )


def register_routes(server: Flask) -> None:
    """Add the download routes: release files (current or pinned by id), the zip, SHA256SUMS,
    chart CSVs."""

    @server.route(urlstate.RELEASE_FILE)
    def release_file(name: str):
        return release_download(release.latest(), name)

    @server.route(urlstate.PINNED_FILE)
    def pinned_file(release_id: str, name: str):
        return release_download(kept_release(release_id), name)

    @server.route(urlstate.CHART_CSV)
    def chart_csv(chart_id: str):
        if chart_id not in charts.CHARTS:
            abort(404)
        page = charts.CHARTS[chart_id][0]
        query = request.args.to_dict()
        if query.get(urlstate.RELEASE, "").strip():
            kept_release(query[urlstate.RELEASE].strip().lower())  # 404 unless kept
        view = urlstate.parse(page, query, release.latest().geos, history.current().sfys())
        pages.common.show(view)
        chart = charts.render(chart_id, view)
        name = chart_id + "".join(f"-{v}" for v in view.values.values() if v).replace(":", "-")
        return Response(
            chart.csv,
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={name}.csv"},
        )

    @server.route(urlstate.SITEMAP)
    def sitemap():
        root = request.url_root.rstrip("/") + urlstate.base_path()
        entries = "".join(
            f"<url><loc>{escape(root + path)}</loc></url>"
            for path in urlstate.sitemap_paths(release.current().geos)
        )
        return Response(
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>',
            mimetype="application/xml",
        )

    @server.route(urlstate.BOUNDARIES)
    def county_boundaries():
        return send_file(Path(server.config["CSEC_GEOJSON"]), mimetype="application/geo+json")

    @server.after_request
    def page_status(response: Response) -> Response:
        if (
            response.mimetype == "text/html"
            and response.status_code == 200
            and not is_page(request.path)
        ):
            response.status_code = 404  # Dash serves a page for any path; the page says why
        return response


def create_app(settings: Settings | None = None) -> dash.Dash:
    """Return the dashboard app; raise ReleaseError (refuse to start) if the release is not sound."""
    settings = settings or Settings.from_env()
    rel = release.load(Path(settings.release_dir))
    history.history(Path(settings.release_dir), Path(settings.history_dir))  # a bad index: refuse
    boundaries.load(Path(settings.geojson_path), tuple(c.fips for c in rel.geos.counties))
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        title=shell.SITE_NAME,
        update_title=None,
        compress=settings.compress,
        serve_locally=True,
        routes_pathname_prefix="/",  # Flask sees paths below the base (dashboard.server.mount)
        requests_pathname_prefix=settings.base_path + "/",
        suppress_callback_exceptions=not settings.debug,  # else every page carries all layouts
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {"name": "color-scheme", "content": "light"},
        ],
    )
    app.index_string = INDEX
    app.server.config.update(
        CSEC_RELEASE_DIR=str(settings.release_dir),
        CSEC_HISTORY_DIR=str(settings.history_dir),
        CSEC_GEOJSON=str(settings.geojson_path),
        CSEC_BASE_PATH=settings.base_path,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
    )
    logging.getLogger("dashboard").setLevel(settings.log_level)
    init_cache(app.server, settings, rel.release_id)
    with app.server.app_context():  # links in the layouts carry the base path
        pages.register_all(app)
        app.layout = shell.layout()
    serving.install(app, settings, rel)
    register_routes(app.server)
    if settings.debug:
        app.enable_dev_tools(debug=True)
    return app
