"""`csec audit DIR` verifies every file of a release first: each kind of tampering exits non-zero
with its own message, before the disclosure audit runs."""

from __future__ import annotations

import re

import pytest
from tampering import CASES, tampered_copy

from dashboard.cli import main


@pytest.mark.parametrize("case", list(CASES))
def test_audit_refuses_tampered_release(case, fixture_release_dir, tmp_path, capsys):
    release, message = tampered_copy(fixture_release_dir, tmp_path / "aggregates", case)
    assert main(["audit", str(release)]) == 1
    err = capsys.readouterr().err
    assert "release check failed" in err
    assert re.search(message, err), err


def test_audit_of_an_untouched_release_gets_past_the_check(fixture_release_dir, capsys):
    main(["audit", str(fixture_release_dir)])
    captured = capsys.readouterr()
    assert "Release check passed" in captured.out
    assert "release check failed" not in captured.err
