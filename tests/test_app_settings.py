"""Settings: one declarative table, documented, read from the environment, bad values fail early."""

from __future__ import annotations

import dataclasses

import pytest

from dashboard.app import create_app
from dashboard.data.release import ReleaseError
from dashboard.settings import SETTINGS, Settings, SettingsError


def test_table_and_dataclass_agree():
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert fields == {s.name for s in SETTINGS}
    assert Settings.from_env({}) == Settings()


def test_every_setting_is_documented_and_namespaced():
    for setting in SETTINGS:
        assert setting.env.startswith("CSEC_")
        assert len(setting.help) > 20 and setting.help.endswith(".")


@pytest.mark.parametrize(
    ("env", "value", "attribute", "expected"),
    [
        ("CSEC_CACHE_TYPE", "FileSystemCache", "cache_type", "FileSystemCache"),
        ("CSEC_CACHE_TIMEOUT", "600", "cache_timeout", 600),
        ("CSEC_RATE_LIMIT", "5/second;100/minute", "rate_limit", "5/second;100/minute"),
        ("CSEC_HSTS_SECONDS", "3600", "hsts_seconds", 3600),
        ("CSEC_COMPRESS", "off", "compress", False),
        ("CSEC_DEBUG", "yes", "debug", True),
    ],
)
def test_values_are_parsed(env, value, attribute, expected):
    assert getattr(Settings.from_env({env: value}), attribute) == expected


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("CSEC_CACHE_TYPE", "Memcached"),
        ("CSEC_CACHE_TIMEOUT", "-5"),
        ("CSEC_CACHE_TIMEOUT", "0"),  # every key has a TTL
        ("CSEC_RATE_LIMIT", "lots"),
        ("CSEC_COMPUTE_SLOTS", "0"),
        ("CSEC_CACHE_TIMEOUT", "soon"),
        ("CSEC_COMPRESS", "maybe"),
    ],
)
def test_bad_values_fail_with_a_hint(env, value):
    with pytest.raises(SettingsError, match=env):
        Settings.from_env({env: value})


def test_relative_paths_are_taken_from_the_project_root():
    settings = Settings.from_env({"CSEC_RELEASE_DIR": "data/aggregates"})
    assert settings.release_dir.is_absolute()
    assert settings.release_dir.parts[-2:] == ("data", "aggregates")


def test_app_refuses_to_start_without_a_release(tmp_path):
    with pytest.raises(ReleaseError, match="manifest"):
        create_app(Settings(release_dir=tmp_path))


def test_app_refuses_boundaries_that_do_not_match(fixture_release_dir, tmp_path):
    bad = tmp_path / "geo.json"
    bad.write_text('{"type": "FeatureCollection", "features": [{"id": "06001"}]}')
    with pytest.raises(ReleaseError, match="one feature per county"):
        create_app(Settings(release_dir=fixture_release_dir, geojson_path=bad))
