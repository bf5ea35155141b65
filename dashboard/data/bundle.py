"""The whole release as one zip, and a SHA256SUMS file: the format's files and the manifest."""

from __future__ import annotations

import functools
import io
import zipfile

from dashboard import release_format as fmt
from dashboard.data.release import Release

FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip entries carry no build time: same release, same bytes


def zip_name(release: Release) -> str:
    """Return the file name of the release zip."""
    return zip_name_of(release.release_id)


def zip_name_of(release_id: str) -> str:
    """Return the file name of the zip of a release by id."""
    return f"csec-release-{release_id[:12]}.zip"


def sha256sums(release: Release) -> str:
    """Return `sha256sum -c` lines for every file of the manifest."""
    return "".join(f"{entry['sha256']}  {entry['path']}\n" for entry in release.files)


@functools.lru_cache(maxsize=2)
def release_zip(release: Release) -> bytes:
    """Return a deterministic zip of the manifest's files, manifest.json and SHA256SUMS."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in (*fmt.FILES, fmt.MANIFEST):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (release.directory / name).read_bytes())
        info = zipfile.ZipInfo("SHA256SUMS", date_time=FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, sha256sums(release))
    return buffer.getvalue()


def served_files(release: Release) -> dict[str, str]:
    """Return the downloadable file names with their MIME types (manifest files + manifest)."""
    types = {
        "csv": "text/csv",
        "json": "application/json",
        "md": "text/markdown",
        "cff": "text/plain",
    }
    names = (*fmt.FILES, fmt.MANIFEST)
    return {name: types.get(name.rsplit(".", 1)[-1], "application/octet-stream") for name in names}
