"""WSGI entry point: `gunicorn -c python:dashboard.server.gunicorn_conf dashboard.wsgi:server`."""

import logging

from dashboard.app import create_app
from dashboard.server import static
from dashboard.settings import Settings, SettingsError

settings = Settings.from_env()
if settings.debug:
    raise SettingsError("CSEC_DEBUG is for local development only; the WSGI server refuses it.")
logging.basicConfig(
    level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
)
app = create_app(settings)
server = app.server
logging.getLogger(__name__).info("static files compressed: %d bytes", static.warm(server))
