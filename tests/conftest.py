"""Shared fixtures and helpers: the real IMDB archive (found as the loader finds it);
fake IMDB trees; small LSTM data.

In CI a missing archive is a failure, not a skip: the fixture raises.
"""

import importlib
import io
import math
import tarfile
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback


def _find_imdb():
    """The data home holding the IMDB archive, found as the loader finds it:
    ``$SKLSTM_DATA``, then ``../shared/datasets``, then ``~/sklstm_data``."""
    from sklstm.datasets import IMDB_ARCHIVE, data_home_candidates

    searched = data_home_candidates()
    for home in searched:
        if (home / IMDB_ARCHIVE).is_file():
            return home, home / IMDB_ARCHIVE
    pytest.fail(f"the IMDB archive {IMDB_ARCHIVE} is missing: searched "
                f"{', '.join(map(str, searched))} (set SKLSTM_DATA to the folder holding it; "
                "see ../shared/datasets/README.md)")


@pytest.fixture(autouse=True)
def first_use_of_deprecated_names(monkeypatch):
    """Each test sees the first use of a deprecated name: they warn once per process."""
    from sklstm import _compat

    monkeypatch.setattr(_compat, "_warned", set())


@pytest.fixture(autouse=True)
def float32_unless_marked_bfloat16(request, monkeypatch):
    """Tests run as on hardware without native bfloat16, whatever this machine has: the
    classifier's default ``precision='auto'`` then computes in float32, and a test's figures
    do not depend on the CPU that runs it. Tests of bfloat16 pretend the hardware has it
    (the ``hardware`` fixture of tests/lstm/test_precision.py), or carry the ``bfloat16``
    marker to use the machine's own."""
    if request.node.get_closest_marker("bfloat16") is None:
        from sklstm._utils import torch as torch_utils

        monkeypatch.setattr(torch_utils, "bf16_missing",
                            lambda device: "native bfloat16 (the tests run without it)")


@pytest.fixture(scope="session")
def imdb_archive():
    """Path of the real IMDB archive (a failure, not a skip, where it is missing)."""
    return _find_imdb()[1]


@pytest.fixture(scope="session")
def imdb_data_home(tmp_path_factory):
    """Folder holding the IMDB archive; the loader's cache goes to a temporary folder."""
    home, _ = _find_imdb()
    mp = pytest.MonkeyPatch()
    mp.setenv("SKLSTM_CACHE", str(tmp_path_factory.mktemp("sklstm-cache")))
    yield home
    mp.undo()


@pytest.fixture(scope="session")
def imdb_train_texts(imdb_data_home):
    """The 25k IMDB training reviews and their 0/1 labels."""
    from sklstm.datasets import load_imdb

    bunch = load_imdb("train", data_home=imdb_data_home, download=False)
    return bunch.data, np.asarray(bunch.target)


@pytest.fixture
def count_calls(monkeypatch):
    """``count_calls(module, name)``: a list that gets an item at each call of ``module.name``."""
    def count(module, name):
        module = importlib.import_module(module)
        calls = []
        original = getattr(module, name)

        def counted(*args, **kwargs):
            calls.append(1)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
        return calls

    return count


def _split_sizes(history):
    rows = {"train": 0, "valid": 0}
    for batch in history[-1, "batches"]:
        for part in rows:
            rows[part] += batch.get(f"{part}_batch_size", 0)
    return rows["train"], rows["valid"]


@pytest.fixture
def split_sizes():
    """``split_sizes(history)``: the rows a fitted net trained and validated on, last epoch."""
    return _split_sizes


@pytest.fixture
def one_torch_thread():
    """Run a test with one torch thread, then restore the thread count."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``gpu`` where torch sees no CUDA device."""
    gpu_items = [item for item in items if "gpu" in item.keywords]
    if not gpu_items:
        return
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device; torch.cuda.is_available() is False")
    for item in gpu_items:
        item.add_marker(skip)


# ------------------------------------------------------------ shared helpers
# Test modules never import each other: what several of them need is here,
# reached through fixtures.

def _signal_data(n=300, n_classes=2, seed=0, width=20):
    """Random token rows of random length; one class-specific token in each."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    X = np.zeros((n, width), dtype=np.int32)
    for i in range(n):
        length = rng.integers(2, width + 1)
        X[i, :length] = rng.integers(2, 40, length)
        X[i, rng.integers(0, length)] = 40 + y[i]
    return X, y


@pytest.fixture(scope="session")
def signal_data():
    """``signal_data(n=300, n_classes=2, seed=0, width=20)``: ids with one class token a row."""
    return _signal_data


class FakeImdb:
    """Small fake IMDB trees and archives, laid out like Stanford's, and what loading them gives."""

    # (id, rating, text) per folder of aclImdb/; ids 9 < 10 < 100 check numeric order.
    reviews = {
        "train/neg": [(10, 1, "Awful.<br /><br />Truly awful."), (9, 4, "Meh… ça va pas.")],
        "train/pos": [(100, 10, "Great film! 🎬<br />Loved it."), (3, 7, "Good, 很好.")],
        "train/unsup": [(5, 0, "No label here.<br />"), (1, 0, "Ünlabelled — text.")],
        "test/neg": [(2, 3, "Bad<br />bad."), (0, 2, "Boring.")],
        "test/pos": [(11, 8, "Nice ✓."), (4, 9, "Fine<br /><br />film.")],
    }
    subset_dirs = {
        "train": [("train/neg", 0), ("train/pos", 1)],
        "test": [("test/neg", 0), ("test/pos", 1)],
        "unsup": [("train/unsup", -1)],
    }

    POSITIVE = ["great", "wonderful", "loved", "brilliant", "superb", "moving"]
    NEGATIVE = ["awful", "boring", "hated", "dull", "terrible", "mess"]
    FILLER = ["the", "film", "plot", "actors", "story", "was", "and", "a", "it"]

    @staticmethod
    def expected(subset, reviews=None):
        """(texts, target, ratings, ids) in the documented order: target, then id."""
        reviews = FakeImdb.reviews if reviews is None else reviews
        rows = sorted(
            (target, i, rating, text)
            for d, target in FakeImdb.subset_dirs[subset]
            for i, rating, text in reviews[d]
        )
        return ([r[3] for r in rows], [r[0] for r in rows], [r[2] for r in rows],
                [r[1] for r in rows])

    @staticmethod
    def assert_matches(bunch, subset, reviews=None):
        texts, target, ratings, ids = FakeImdb.expected(subset, reviews)
        assert bunch.data == texts
        np.testing.assert_array_equal(bunch.target, target)
        np.testing.assert_array_equal(bunch.ratings, ratings)
        np.testing.assert_array_equal(bunch.ids, ids)
        for name in ("target", "ratings", "ids"):
            assert bunch[name].dtype.kind == "i", name
        assert bunch.target_names == ["neg", "pos"]

    @staticmethod
    def write_tree(root, reviews=None):
        """Write an extracted ``aclImdb/`` folder under ``root``; return its path."""
        reviews = FakeImdb.reviews if reviews is None else reviews
        folder = Path(root) / "aclImdb"
        for d, items in reviews.items():
            (folder / d).mkdir(parents=True, exist_ok=True)
            for i, rating, text in items:
                (folder / d / f"{i}_{rating}.txt").write_text(text, encoding="utf-8")
            split, label = d.split("/")
            (folder / split / f"urls_{label}.txt").write_text("http://example/\n")
        (folder / "README").write_text("Fake Large Movie Review Dataset.\n")
        (folder / "imdb.vocab").write_text("the\nfilm\n")
        return folder

    @staticmethod
    def archive_bytes(reviews=None):
        """A gzipped tar of a fake ``aclImdb/`` tree, as bytes."""
        buf = io.BytesIO()
        with tempfile.TemporaryDirectory() as tmp, \
                tarfile.open(fileobj=buf, mode="w:gz") as tar:
            tar.add(FakeImdb.write_tree(tmp, reviews), arcname="aclImdb")
        return buf.getvalue()

    @staticmethod
    def write_archive(data_home, reviews=None):
        data_home.mkdir(parents=True, exist_ok=True)
        path = data_home / "aclImdb_v1.tar.gz"
        path.write_bytes(FakeImdb.archive_bytes(reviews))
        return path

    @staticmethod
    def labelled_reviews(n_per_class=30, seed=0):
        """Reviews of a few sentiment words each, per class, in train and test (and one unsup)."""
        rng = np.random.default_rng(seed)

        def review(words):
            tokens = list(rng.choice(FakeImdb.FILLER, 8)) + list(rng.choice(words, 3))
            rng.shuffle(tokens)
            return " ".join(tokens) + ".<br /><br />"

        reviews = {}
        for split in ("train", "test"):
            for label, words, ratings in (("pos", FakeImdb.POSITIVE, (7, 10)),
                                          ("neg", FakeImdb.NEGATIVE, (1, 4))):
                reviews[f"{split}/{label}"] = [
                    (i, int(rng.integers(ratings[0], ratings[1] + 1)), review(words))
                    for i in range(n_per_class)
                ]
        reviews["train/unsup"] = [(0, 0, "unlabelled text")]
        return reviews


def write_reviews_table(path, n_per_class=30, seed=0, classes=("pos", "neg", "meh")):
    """A small labelled data file in the format ``path``'s name says (CSV by default).

    Columns ``id`` (with leading zeros), ``title``, ``text`` and ``label``;
    each class has its own sentiment words, so the models can learn it.
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    words = {"pos": FakeImdb.POSITIVE, "neg": FakeImdb.NEGATIVE,
             "meh": ["average", "okay", "fine", "middling", "passable"]}
    rows = []
    for _ in range(n_per_class):
        for label in classes:
            tokens = list(rng.choice(FakeImdb.FILLER, 6)) + list(rng.choice(words[label], 3))
            rng.shuffle(tokens)
            rows.append({"id": f"{len(rows):04d}", "title": str(rng.choice(words[label])),
                         "text": " ".join(tokens), "label": label})
    frame = pd.DataFrame(rows)
    name = str(path)
    if name.endswith(".parquet"):
        frame.to_parquet(path)
    elif name.endswith(".jsonl"):
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_csv(path, sep="\t" if name.endswith(".tsv") else ",", index=False)
    return path


@pytest.fixture
def reviews_table():
    """:func:`write_reviews_table`: ``reviews_table(path, n_per_class=30, ...)``."""
    return write_reviews_table


@pytest.fixture(scope="session")
def fake_imdb():
    """The :class:`FakeImdb` helpers: ``reviews``, ``write_tree``, ``archive_bytes``, ..."""
    return FakeImdb


class TrainingFaults:
    """skorch callbacks that interrupt or poison a training run, and checks of its result."""

    class AtTrainingBatch(Callback):
        """Call ``act(net)`` before training batch ``batch`` of epoch ``epoch`` (from 1)."""

        def __init__(self, epoch, batch=1):
            self.epoch = epoch
            self.batch = batch

        def on_epoch_begin(self, net, **kwargs):
            self.seen = 0

        def on_batch_begin(self, net, training=None, **kwargs):
            if training:
                self.seen += 1
                if len(net.history) == self.epoch and self.seen == self.batch:
                    self.act(net)

    class CtrlC(AtTrainingBatch):
        """Raise KeyboardInterrupt before the given training batch."""

        def act(self, net):
            raise KeyboardInterrupt

    class PoisonWeights(AtTrainingBatch):
        """Set the embedding to NaN before the given training batch."""

        def act(self, net):
            with torch.no_grad():
                net.module_.embedding.weight.fill_(math.nan)

    @staticmethod
    def fit_quietly(clf, X, y, **fit_params):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return clf.fit(X, y, **fit_params)

    @staticmethod
    def assert_same_weights(a, b):
        sa, sb = a.module_.state_dict(), b.module_.state_dict()
        assert sa.keys() == sb.keys()
        for name in sa:
            assert torch.equal(sa[name], sb[name]), name


@pytest.fixture(scope="session")
def training_faults():
    """The :class:`TrainingFaults` helpers: ``CtrlC``, ``PoisonWeights``, ``fit_quietly``, ..."""
    return TrainingFaults


# -------------------------------------------------------------- word vectors
# The words and vectors that the tests of sklstm.vectors._word_vectors,
# sklstm.vectors._formats and sklstm.embeddings share.

VECTOR_WORDS = ("the", "film", "Good", "bad", "naïve", "l'été", "</s>", "x_1")


@pytest.fixture
def vector_words():
    """Eight distinct words, cased, accented and with punctuation (a new list each time)."""
    return list(VECTOR_WORDS)


@pytest.fixture
def vectors(vector_words):
    """Float32 vectors of width 5, one row for each of ``vector_words``."""
    rng = np.random.default_rng(0)
    return rng.normal(0, 0.4, (len(vector_words), 5)).astype(np.float32)
