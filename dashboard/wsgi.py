"""WSGI entry point: `gunicorn -c python:dashboard.server.gunicorn_conf dashboard.wsgi:server`."""

import logging

from dashboard import charts
from dashboard.app import create_app
from dashboard.server import logs, static
from dashboard.settings import Settings, SettingsError

settings = Settings.from_env()
if settings.debug:
    raise SettingsError("CSEC_DEBUG is for local development only; the WSGI server refuses it.")
logs.configure(settings.log_level)
app = create_app(settings)
server = app.server
log = logging.getLogger(__name__)
log.info("static files ready: %d compressed bytes", static.warm(server))  # read from disk
with server.app_context():  # first visitors after a deploy get cached default views
    log.info("charts rendered at their default views: %d", charts.warm_defaults())
