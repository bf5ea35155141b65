"""Install time: compress the static files a first visit loads into the shared directory."""

import logging

from dashboard.app import create_app
from dashboard.server import static


def main() -> None:
    """Fill CSEC_STATIC_CACHE_DIR, so that workers start by reading compressed files."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger(__name__).info(
        "static files compressed: %d bytes", static.warm(create_app().server)
    )


if __name__ == "__main__":
    main()
