"""gunicorn settings from the app's settings table (PORT, WEB_CONCURRENCY, ... see docs/settings.md)."""

from dashboard.settings import Settings

_settings = Settings.from_env()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers
worker_class = "gthread"  # keep-alive and a bounded thread pool, even with one thread
threads = _settings.threads
timeout = _settings.timeout
loglevel = _settings.log_level.lower()
preload_app = False  # polars thread pools do not survive fork: each worker loads the release
control_socket_disable = True  # gunicorn 27's control socket in $HOME clashes between instances
