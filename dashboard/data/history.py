"""The kept releases: the current one and every earlier one the history index names.

The current release lives in the release directory; an earlier one in the history directory
under its id. An earlier release is verified on first use and kept loaded (the index bounds how
many); one that fails the verifier is refused (logged once) and never served.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dashboard import domain
from dashboard import release_format as fmt
from dashboard.data import release
from dashboard.data.release import Release, ReleaseError

log = logging.getLogger("dashboard.history")


@dataclass(frozen=True)
class Entry:
    """One kept release as the index lists it: id, dates, fiscal years and the one it follows."""

    release_id: str
    release_date: date
    extract_date: date
    sfys: tuple[str, ...]
    previous_release_id: str | None
    current: bool

    @classmethod
    def of(cls, entry: dict, current_id: str) -> Entry:
        """Return the entry of an index row (or of a manifest)."""
        return cls(
            entry["release_id"],
            date.fromisoformat(entry["release_date"]),
            date.fromisoformat(entry["extract_date"]),
            tuple(p for p in entry["periods"] if not domain.is_window(p)),
            entry["previous_release_id"],
            entry["release_id"] == current_id,
        )


class History:
    """The kept releases of one app: entries newest first, and each release loaded on demand."""

    def __init__(self, release_dir: Path, history_dir: Path) -> None:
        self.release_dir = Path(release_dir)
        self.history_dir = Path(history_dir)
        latest = release.load(self.release_dir)
        self.index = fmt.read_history(self.history_dir)
        rows = [r for r in self.index["releases"] if r["release_id"] != latest.release_id]
        self.entries: tuple[Entry, ...] = tuple(
            Entry.of(row, latest.release_id) for row in [fmt.history_entry(latest.manifest), *rows]
        )
        self.by_id = {e.release_id: e for e in self.entries}
        self.latest_id = latest.release_id
        self.loaded: dict[str, Release] = {latest.release_id: latest}  # each kept once verified
        self.refused: set[str] = set()
        self.lock = threading.Lock()

    def sfys(self) -> dict[str, tuple[str, ...]]:
        """Return release value -> fiscal years: "" (the current release) and every kept id."""
        return {"": self.by_id[self.latest_id].sfys} | {e.release_id: e.sfys for e in self.entries}

    def load(self, release_id: str) -> Release:
        """Return a kept release by id, verified; raise ReleaseError if unknown or refused."""
        if release_id in self.loaded:
            return self.loaded[release_id]
        if release_id not in self.by_id or release_id in self.refused:
            raise ReleaseError(f"release {release_id!r} is not kept here")
        directory = fmt.release_directory(
            release_id, self.index, self.release_dir, self.history_dir
        )
        try:
            rel = release.load(directory)
        except ReleaseError as error:
            with self.lock:
                self.refused.add(release_id)
            log.error("kept release %s refused: %s", release_id, error)
            raise
        if rel.release_id != release_id:
            with self.lock:
                self.refused.add(release_id)
            raise ReleaseError(f"{directory} holds release {rel.release_id}, not {release_id}")
        with self.lock:
            return self.loaded.setdefault(release_id, rel)

    def previous(self, rel: Release) -> Release | None:
        """Return the release `rel` follows when it is kept and sound, else None."""
        previous = rel.previous_release_id
        if previous is None or previous not in self.by_id:
            return None
        try:
            return self.load(previous)
        except ReleaseError:
            return None


@functools.lru_cache(maxsize=4)
def history(release_dir: Path, history_dir: Path) -> History:
    """Return the kept releases of a release directory and a history directory (read once)."""
    return History(release_dir, history_dir)


def current() -> History:
    """Return the kept releases of the Flask app handling this request."""
    from flask import current_app

    config = current_app.config
    return history(Path(config["CSEC_RELEASE_DIR"]), Path(config["CSEC_HISTORY_DIR"]))
