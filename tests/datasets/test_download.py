"""Tests for sklstm.datasets._download: fetch() checks, writes atomically and shows progress
only where a person watches (downloads from a server on 127.0.0.1)."""

import hashlib

import pytest

from sklstm.datasets._download import fetch

BODY = bytes(range(256)) * 64
SHA = hashlib.sha256(BODY).hexdigest()


def test_fetch_writes_the_file_and_shows_a_bar_when_asked(tmp_path, server, capsys):
    dest = tmp_path / "dl" / "archive.tar.gz"
    assert fetch(server("/a", BODY), dest, SHA.upper(), verbose=True) == dest
    assert dest.read_bytes() == BODY
    assert "a" in capsys.readouterr().err  # tqdm writes to stderr


def test_fetch_shows_no_bar_in_a_log(tmp_path, server, capsys):
    """stderr is a file here (pytest captures it): no bar, whose redraws would fill a log."""
    fetch(server("/a", BODY), tmp_path / "file", SHA)
    assert capsys.readouterr().err == ""


def test_fetch_errors_name_the_url_and_the_hint_and_leave_nothing(tmp_path, server):
    dest = tmp_path / "out" / "file"
    with pytest.raises(OSError, match=r"Checksum mismatch .* removed\. Fetch it by hand"):
        fetch(server("/a", BODY), dest, "0" * 64, hint="Fetch it by hand.")
    with pytest.raises(OSError, match=r"Could not download .*/missing.*Not Found"):
        fetch(server("/a", BODY).replace("/a", "/missing"), dest, SHA)
    assert list(dest.parent.iterdir()) == []
