"""Tests for sklstm.datasets._imdb: load_imdb on tiny fake archives, its cache and downloads.

Every test builds its own small archive (same layout as Stanford's) in
tmp_path; downloads are served by an HTTP server on 127.0.0.1. Only the test
marked ``slow`` reads the real archive, found as the loader finds it.
"""

import hashlib
import os
import socket
import stat
import tarfile
import time
from pathlib import Path

import numpy as np
import pytest

from sklstm.datasets import _download, get_data_home, load_imdb
from sklstm.datasets import _imdb as datasets

SUBSETS = ["train", "test", "unsup"]


def closed_port_url():
    """An http URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/aclImdb_v1.tar.gz"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No user data/cache dirs, and a download URL that can never leave 127.0.0.1."""
    for var in ("SKLSTM_DATA", "SKLSTM_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(datasets, "IMDB_URL", closed_port_url())
    return home


@pytest.fixture
def data_home(tmp_path, fake_imdb):
    """A data home holding a fake archive."""
    home = tmp_path / "data"
    fake_imdb.write_archive(home)
    return home


def forbid_archive_reads(monkeypatch):
    """Make any later attempt to open a tar archive fail."""

    def refuse(*args, **kwargs):
        raise AssertionError("the archive was opened although a valid cache exists")

    monkeypatch.setattr(tarfile, "open", refuse)


@pytest.fixture
def read_only():
    """``read_only(path)`` makes a directory read-only until the test ends."""
    paths = []

    def make(path):
        paths.append(path)
        path.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)

    yield make
    for path in paths:
        path.chmod(stat.S_IRWXU)


def cache_file(directory, subset="train"):
    files = sorted(Path(directory).rglob(f"{subset}.npz"))
    assert len(files) == 1, files
    return files[0]


# ---------------------------------------------------------------- loading


@pytest.mark.parametrize("subset", SUBSETS)
def test_load_each_subset_from_archive(data_home, subset, fake_imdb):
    bunch = load_imdb(subset, data_home=data_home)
    fake_imdb.assert_matches(bunch, subset)
    assert "Maas" in bunch.DESCR and "2011" in bunch.DESCR
    assert "1 for positive" in bunch.DESCR or "1 = positive" in bunch.DESCR


def test_texts_are_returned_as_in_the_files(data_home):
    bunch = load_imdb("train", data_home=data_home)
    assert "Awful.<br /><br />Truly awful." in bunch.data
    assert "Great film! 🎬<br />Loved it." in bunch.data
    np.testing.assert_array_equal(bunch.target[bunch.ratings <= 4], 0)
    np.testing.assert_array_equal(bunch.target[bunch.ratings >= 7], 1)


def test_unsup_targets_and_ratings(data_home):
    bunch = load_imdb("unsup", data_home=data_home)
    np.testing.assert_array_equal(bunch.target, [-1, -1])
    np.testing.assert_array_equal(bunch.ratings, [0, 0])


def test_return_X_y(data_home, fake_imdb):
    X, y = load_imdb("test", data_home=data_home, return_X_y=True)
    texts, target, _, _ = fake_imdb.expected("test")
    assert X == texts
    np.testing.assert_array_equal(y, target)


def test_invalid_subset(data_home):
    with pytest.raises(ValueError, match="subset must be one of"):
        load_imdb("validation", data_home=data_home)


@pytest.mark.parametrize("subset", SUBSETS)
def test_extracted_folder(tmp_path, subset, fake_imdb):
    home = tmp_path / "data"
    fake_imdb.write_tree(home)
    fake_imdb.assert_matches(load_imdb(subset, data_home=home, download=False), subset)


def test_archive_with_dot_slash_member_names(tmp_path, fake_imdb):
    folder = fake_imdb.write_tree(tmp_path / "tree")
    home = tmp_path / "data"
    home.mkdir()
    with tarfile.open(home / "aclImdb_v1.tar.gz", "w:gz") as tar:
        tar.add(folder, arcname="./aclImdb")
    fake_imdb.assert_matches(load_imdb("train", data_home=home), "train")


def test_archive_without_the_subset_is_an_error(tmp_path, fake_imdb):
    home = tmp_path / "data"
    train_only = {d: r for d, r in fake_imdb.reviews.items() if d.startswith("train")}
    fake_imdb.write_archive(home, train_only)
    with pytest.raises(ValueError, match="No review of subset 'test'"):
        load_imdb("test", data_home=home)


def test_data_home_from_environment(data_home, monkeypatch, fake_imdb):
    monkeypatch.setenv("SKLSTM_DATA", str(data_home))
    assert get_data_home() == data_home
    fake_imdb.assert_matches(load_imdb("train"), "train")


def test_get_data_home_default_and_user_expansion(isolated_env):
    assert get_data_home() == isolated_env / "sklstm_data"
    assert get_data_home("~/elsewhere") == isolated_env / "elsewhere"


def test_missing_data_without_download(tmp_path):
    home = tmp_path / "empty"
    with pytest.raises(FileNotFoundError) as info:
        load_imdb("train", data_home=home, download=False)
    message = str(info.value)
    for part in (str(home / "aclImdb_v1.tar.gz"), str(home / "aclImdb"), "SKLSTM_DATA",
                 "download=True"):
        assert part in message
    assert not home.exists()


def test_local_archive_is_read_without_checksum_or_download(data_home, monkeypatch, fake_imdb):
    def no_network(*args, **kwargs):
        raise AssertionError("tried to download although the archive is present")

    monkeypatch.setattr(_download.urllib.request, "urlopen", no_network)
    assert hashlib.sha256((data_home / "aclImdb_v1.tar.gz").read_bytes()).hexdigest() \
        != datasets.IMDB_SHA256
    fake_imdb.assert_matches(load_imdb("train", data_home=data_home, download=True), "train")


# ------------------------------------------------------------------ cache


def test_cache_is_built_then_used(data_home, monkeypatch, fake_imdb):
    first = load_imdb("train", data_home=data_home)
    path = data_home / "imdb_cache" / "train.npz"
    assert path.is_file()
    assert not list(path.parent.glob(".*"))  # no temporary file left
    with np.load(path, allow_pickle=False) as npz:  # no pickled objects inside
        assert set(npz.files) >= {"meta", "text_bytes", "offsets", "target"}

    forbid_archive_reads(monkeypatch)
    second = load_imdb("train", data_home=data_home)
    fake_imdb.assert_matches(second, "train")
    assert second.data == first.data


def test_one_pass_over_the_archive_caches_every_subset(data_home, monkeypatch, fake_imdb):
    load_imdb("test", data_home=data_home)
    assert sorted(p.name for p in (data_home / "imdb_cache").iterdir()) == [
        "test.npz", "train.npz", "unsup.npz"]
    forbid_archive_reads(monkeypatch)
    for subset in SUBSETS:
        fake_imdb.assert_matches(load_imdb(subset, data_home=data_home), subset)


def test_folder_cache_is_used(tmp_path, monkeypatch, fake_imdb):
    home = tmp_path / "data"
    fake_imdb.write_tree(home)
    load_imdb("test", data_home=home)
    assert [p.name for p in (home / "imdb_cache").iterdir()] == ["test.npz"]
    monkeypatch.setattr(Path, "read_bytes", None)  # reading a review would fail
    fake_imdb.assert_matches(load_imdb("test", data_home=home), "test")


def truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbage(path):
    path.write_bytes(os.urandom(4096))


def empty(path):
    path.write_bytes(b"")


def flip_text_byte(path):
    """A well-formed npz whose texts no longer match the stored checksum."""
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name].copy() for name in npz.files}
    arrays["text_bytes"][0] ^= 1
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def flip_last_byte(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [truncate, garbage, empty, flip_text_byte,
                                    flip_last_byte])
def test_corrupted_cache_is_rebuilt(data_home, monkeypatch, damage, fake_imdb):
    load_imdb("train", data_home=data_home)
    path = cache_file(data_home)
    damage(path)
    fake_imdb.assert_matches(load_imdb("train", data_home=data_home), "train")
    # The rebuilt cache is valid again: the archive is not needed any more.
    forbid_archive_reads(monkeypatch)
    fake_imdb.assert_matches(load_imdb("train", data_home=data_home), "train")


def test_changed_archive_invalidates_cache(data_home, fake_imdb):
    fake_imdb.assert_matches(load_imdb("train", data_home=data_home), "train")
    changed = {**fake_imdb.reviews, "train/neg": [(10, 2, "Changed text."), (42, 3, "New one.")]}
    archive = fake_imdb.write_archive(data_home, changed)
    st = archive.stat()
    os.utime(archive, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    fake_imdb.assert_matches(load_imdb("train", data_home=data_home), "train", changed)


def test_read_only_data_home_uses_sklstm_cache(data_home, tmp_path, monkeypatch,
                                               read_only, fake_imdb):
    cache = tmp_path / "cache"
    monkeypatch.setenv("SKLSTM_CACHE", str(cache))
    read_only(data_home)
    fake_imdb.assert_matches(load_imdb("train", data_home=data_home), "train")
    cache_file(cache)
    assert sorted(p.name for p in data_home.iterdir()) == ["aclImdb_v1.tar.gz"]
    forbid_archive_reads(monkeypatch)
    fake_imdb.assert_matches(load_imdb("train", data_home=data_home), "train")


def test_read_only_data_home_falls_back_to_user_cache(data_home, isolated_env,
                                                      read_only, fake_imdb):
    read_only(data_home)
    fake_imdb.assert_matches(load_imdb("train", data_home=data_home), "train")
    cache_file(isolated_env / ".cache" / "sklstm")
    assert not (data_home / "imdb_cache").exists()


def test_unwritable_cache_dir_is_skipped(data_home, isolated_env, fake_imdb):
    (data_home / "imdb_cache").write_text("not a directory")  # unusable, even for root
    fake_imdb.assert_matches(load_imdb("train", data_home=data_home), "train")
    cache_file(isolated_env / ".cache" / "sklstm")


def test_no_writable_cache_dir_loads_without_cache(data_home, isolated_env, read_only, fake_imdb):
    read_only(data_home)
    read_only(isolated_env)
    for _ in range(2):
        fake_imdb.assert_matches(load_imdb("train", data_home=data_home), "train")
    assert not list(isolated_env.parent.rglob("*.npz"))


# --------------------------------------------------------------- download


@pytest.fixture
def good_archive(fake_imdb):
    body = fake_imdb.archive_bytes()
    return body, hashlib.sha256(body).hexdigest()


def use_download(monkeypatch, url, sha256):
    monkeypatch.setattr(datasets, "IMDB_URL", url)
    monkeypatch.setattr(datasets, "IMDB_SHA256", sha256)


def leftovers(directory):
    return sorted(p.name for p in Path(directory).iterdir()) if directory.exists() else []


def test_download_good_archive(tmp_path, server, good_archive, monkeypatch, fake_imdb):
    body, sha = good_archive
    use_download(monkeypatch, server("/aclImdb_v1.tar.gz", body), sha)
    home = tmp_path / "new" / "home"
    fake_imdb.assert_matches(load_imdb("test", data_home=home), "test")
    assert (home / "aclImdb_v1.tar.gz").read_bytes() == body
    assert not list(home.glob("*.part"))
    # Present now: no second download.
    use_download(monkeypatch, closed_port_url(), sha)
    fake_imdb.assert_matches(load_imdb("train", data_home=home), "train")


def test_download_checksum_mismatch(tmp_path, server, good_archive, monkeypatch):
    body, sha = good_archive
    corrupt = bytearray(body)
    corrupt[len(corrupt) // 2] ^= 0xFF
    use_download(monkeypatch, server("/aclImdb_v1.tar.gz", bytes(corrupt)), sha)
    home = tmp_path / "data"
    with pytest.raises(OSError, match="Checksum mismatch") as info:
        load_imdb("train", data_home=home)
    message = str(info.value)
    assert sha in message
    assert hashlib.sha256(bytes(corrupt)).hexdigest() in message
    assert "removed" in message
    assert leftovers(home) == []


def test_download_truncated(tmp_path, server, good_archive, monkeypatch):
    body, sha = good_archive
    url = server("/aclImdb_v1.tar.gz", body[:1000], length=len(body))
    use_download(monkeypatch, url, sha)
    home = tmp_path / "data"
    with pytest.raises(OSError, match="truncated|failed after") as info:
        load_imdb("train", data_home=home)
    assert "removed" in str(info.value)
    assert leftovers(home) == []


def test_download_unreachable(tmp_path):
    home = tmp_path / "data"
    with pytest.raises(OSError, match="Could not download") as info:
        load_imdb("train", data_home=home)
    message = str(info.value)
    assert str(home / "aclImdb_v1.tar.gz") in message
    assert "SKLSTM_DATA" in message
    assert leftovers(home) == []


def test_download_http_error(tmp_path, server, monkeypatch):
    url = server("/present", b"x").replace("/present", "/missing")  # answers 404
    use_download(monkeypatch, url, "0" * 64)
    home = tmp_path / "data"
    with pytest.raises(OSError, match="Could not download.*Not Found"):
        load_imdb("train", data_home=home)
    assert leftovers(home) == []


# -------------------------------------------------------------- real data


@pytest.mark.slow
def test_real_archive(imdb_archive, tmp_path, monkeypatch):
    REAL_DATA_HOME = imdb_archive.parent  # found as the loader finds it (conftest)
    before = sorted(p.name for p in REAL_DATA_HOME.iterdir())
    monkeypatch.setenv("SKLSTM_CACHE", str(tmp_path / "cache"))
    sizes = {"train": 25_000, "test": 25_000, "unsup": 50_000}
    for subset, n in sizes.items():
        start = time.perf_counter()
        bunch = load_imdb(subset, data_home=REAL_DATA_HOME, download=False)
        print(f"{subset}: first load {time.perf_counter() - start:.2f} s")
        assert len(bunch.data) == len(bunch.target) == len(bunch.ratings) == n
        assert all(isinstance(t, str) and t for t in bunch.data[:: n // 100])
        assert any("<br />" in t for t in bunch.data[:1000])
        if subset == "unsup":
            np.testing.assert_array_equal(bunch.target, -1)
            np.testing.assert_array_equal(bunch.ratings, 0)
            assert len(np.unique(bunch.ids)) == n
            continue
        np.testing.assert_array_equal(np.bincount(bunch.target), [12_500, 12_500])
        neg, pos = bunch.ratings[bunch.target == 0], bunch.ratings[bunch.target == 1]
        assert neg.min() >= 1 and neg.max() <= 4
        assert pos.min() >= 7 and pos.max() <= 10
        for label in (0, 1):
            ids = bunch.ids[bunch.target == label]
            assert np.all(np.diff(ids) > 0)  # documented order, unique ids
    start = time.perf_counter()
    cached = load_imdb("train", data_home=REAL_DATA_HOME, download=False)
    print(f"train: cached load {time.perf_counter() - start:.2f} s")
    assert len(cached.data) == 25_000
    assert sorted(p.name for p in REAL_DATA_HOME.iterdir()) == before


# ------------------------------------------------------------ where data is searched


def test_search_order_env_then_shared_then_home(tmp_path, monkeypatch, fake_imdb):
    from sklstm.datasets import data_home_candidates, find_imdb

    work = tmp_path / "project" / "clone"
    work.mkdir(parents=True)
    shared = tmp_path / "project" / "shared" / "datasets"
    env_home, user_home = tmp_path / "env", tmp_path / "user"
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(user_home))
    monkeypatch.setenv("SKLSTM_DATA", str(env_home))
    assert data_home_candidates() == [env_home, shared, user_home / "sklstm_data"]
    assert find_imdb() is None
    for home in (user_home / "sklstm_data", shared, env_home):  # each found before the last
        fake_imdb.write_archive(home)
        assert find_imdb() == (home, home / "aclImdb_v1.tar.gz")
    monkeypatch.delenv("SKLSTM_DATA")
    assert find_imdb()[0] == shared
    # An explicit data_home is the only place searched.
    assert find_imdb(tmp_path / "elsewhere") is None


def test_not_found_names_every_place_searched(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("SKLSTM_DATA", str(tmp_path / "env"))
    with pytest.raises(FileNotFoundError) as exc:
        load_imdb("train", download=False)
    for place in (tmp_path / "env", tmp_path.parent / "shared" / "datasets",
                  tmp_path / "user" / "sklstm_data"):
        assert str(place / "aclImdb_v1.tar.gz") in str(exc.value)
