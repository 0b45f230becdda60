"""Tests for sklstm.LSTMClassifier on id matrices (no tokenizer involved)."""

import io
import pickle

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks
from skorch.callbacks import Callback

import sklstm
from sklstm import LSTMClassifier
from sklstm.lstm import BagOfNgrams

SMALL = dict(embedding_dim=8, hidden_size=8, device="cpu", random_state=0)
# Trains on all data for a fixed number of epochs: quick and predictable.
FIXED = dict(SMALL, early_stopping=False, validation_fraction=None, max_epochs=15, lr=1e-2)

WIDTH_VARIES = ("id matrices are padded to each call's longest text, so their width "
                "legitimately differs between fit and predict")


CONTINUOUS = ("this check feeds continuous features whatever the input tags say; token ids "
              "are whole numbers")
SAMPLE_WEIGHT_IS_NOT_REPETITION = (
    "training is stochastic over shuffled mini-batches: a row of weight 2 weighs twice in its "
    "batch's mean loss, but is not the same as that row appearing twice in other batches "
    "(weights are tested in test_sample_weight_*)")


# Exact to the bit, a row's float32 outputs depend on its batch: the matrix
# kernels sum in another order for another batch size.
ROUNDING_VARIES = ("float32 matrix kernels round a row's outputs differently in batches of "
                   "other sizes (~1e-7); test_subsets_predict_the_same_up_to_rounding and "
                   "test_modules' batched-vs-single tests check them to 1e-5")


def _expected_failures(estimator):
    return {
        "check_methods_subset_invariance": ROUNDING_VARIES,
        "check_n_features_in_after_fitting": WIDTH_VARIES,
        "check_classifiers_train": WIDTH_VARIES + " (its accuracy part is covered by "
                                   "test_learns_signal_tokens)",
        "check_class_weight_classifiers": "this check feeds standardized continuous "
                                          "features whatever the input tags say; token ids "
                                          "are whole numbers (class_weight: "
                                          "test_class_weight_reaches_the_loss)",
        "check_estimators_partial_fit_n_features": WIDTH_VARIES,
        "check_classifiers_one_label_sample_weights": CONTINUOUS + " (one class left by the "
        "weights: test_sample_weight_leaving_one_class_is_an_error)",
        "check_decision_proba_consistency": CONTINUOUS + " (test_decision_function_is_the_"
        "logits)",
        "check_sample_weight_equivalence_on_dense_data": SAMPLE_WEIGHT_IS_NOT_REPETITION,
    }


@parametrize_with_checks([LSTMClassifier(**dict(FIXED, max_epochs=30))],
                         expected_failed_checks=_expected_failures)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_subsets_predict_the_same_up_to_rounding():
    rng = np.random.default_rng(0)
    X = rng.integers(2, 30, size=(60, 12))
    X[::3, 7:] = 0  # ragged rows
    y = (X[:, 0] > 15).astype(int)
    clf = LSTMClassifier(**FIXED).fit(X, y)
    whole = clf.decision_function(X)
    for part in (slice(0, 1), slice(5, 17), slice(30, 60)):
        np.testing.assert_allclose(clf.decision_function(X[part]), whole[part],
                                   rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(clf.predict(X[part]), clf.predict(X)[part])


def test_learns_signal_tokens(signal_data):
    X, y = signal_data()
    clf = LSTMClassifier(**FIXED).fit(X[:200], y[:200])
    assert clf.score(X[200:], y[200:]) > 0.9


@pytest.mark.parametrize("labels", [
    np.array(["neg", "pos"]), np.array([3, 7]), np.array([False, True]),
    np.array(["a", "b", "c"]),
])
def test_labels_come_back_as_given(labels, signal_data):
    X, codes = signal_data(n=240, n_classes=len(labels))
    y = labels[codes]
    clf = LSTMClassifier(**FIXED).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, np.sort(labels))
    pred = clf.predict(X)
    assert pred.dtype == y.dtype and set(pred) <= set(labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (240, len(labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, y) > 0.8


def test_predict_proba_order_follows_input_not_length_sorting(signal_data):
    X, y = signal_data(n=120)
    clf = LSTMClassifier(**FIXED).fit(X, y)
    proba = clf.predict_proba(X)
    for i in (0, 17, 119):
        np.testing.assert_allclose(clf.predict_proba(X[i:i + 1]), proba[i:i + 1], atol=1e-6)


def test_same_random_state_same_model_and_other_seed_differs(signal_data):
    X, y = signal_data(n=150)
    p1 = LSTMClassifier(**dict(SMALL, max_epochs=3)).fit(X, y).predict_proba(X)
    p2 = LSTMClassifier(**dict(SMALL, max_epochs=3)).fit(X, y).predict_proba(X)
    p3 = LSTMClassifier(**dict(SMALL, max_epochs=3, random_state=1)).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(p1, p2)
    assert not np.allclose(p1, p3)


def test_fit_leaves_global_torch_rng_alone(signal_data):
    X, y = signal_data(n=60)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    LSTMClassifier(**dict(SMALL, max_epochs=1)).fit(X, y)
    torch.testing.assert_close(torch.rand(3), expected)


def test_early_stopping_restores_best_weights(signal_data):
    X, y = signal_data(n=200)
    y = np.random.default_rng(0).permutation(y)  # pure noise: validation loss soon rises
    clf = LSTMClassifier(**dict(SMALL, lr=3e-2, max_epochs=40, patience=2)).fit(X, y)
    stopper = dict(clf.net_.callbacks_)["early_stopping"]
    assert clf.n_iter_ < 40
    losses = np.array(clf.history_[:, "valid_loss"])
    # skorch counts an improvement only beyond a relative threshold of 1e-4.
    assert losses[stopper.best_epoch_ - 1] <= losses.min() * (1 + 1e-4)
    assert clf.n_iter_ == stopper.best_epoch_ + 2
    for name, value in clf.module_.state_dict().items():
        torch.testing.assert_close(value, stopper.best_model_weights_[name])


def test_without_validation_trains_all_epochs(signal_data):
    X, y = signal_data(n=80)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=4)).fit(X, y)
    assert clf.n_iter_ == 4
    assert "valid_loss" not in clf.history_[-1]
    assert "early_stopping" not in dict(clf.net_.callbacks_)


def test_validation_split_is_stratified_and_held_out(signal_data, split_sizes):
    X, y = signal_data(n=200)
    clf = LSTMClassifier(**dict(SMALL, max_epochs=1, validation_fraction=0.25)).fit(X, y)
    assert split_sizes(clf.history_) == (150, 50)


def test_train_only_rows_are_never_validated_on(signal_data, split_sizes):
    X, y = signal_data(n=200)
    y_guess = y.copy()
    y_guess[:100] = 1 - y[:100]   # guesses, wrong ones here
    train_only = np.arange(200) < 100
    params = dict(SMALL, max_epochs=1, validation_fraction=0.25, early_stopping=False)
    clf = LSTMClassifier(**params).fit(X, y_guess, train_only=train_only)
    assert split_sizes(clf.history_) == (175, 25)   # 25% of the 100 others
    # Unlabelled rows leave with their mask entries: 75 labelled rows are train_only.
    y_partly = np.where(np.arange(200) % 4 == 3, -1, y_guess)
    with pytest.warns(UserWarning, match="50 unlabelled rows are ignored"):
        clf = LSTMClassifier(**dict(params, unlabeled_label=-1, pretraining=None)).fit(
            X, y_partly, train_only=train_only)
    assert split_sizes(clf.history_) == (131, 19)   # ceil(25% of the 75 others)


def test_early_stopping_needs_validation(signal_data):
    X, y = signal_data(n=40)
    with pytest.raises(ValueError, match="validation_fraction"):
        LSTMClassifier(**dict(SMALL, validation_fraction=None)).fit(X, y)


@pytest.mark.parametrize("class_weight", ["balanced", {0: 1.0, 1: 3.0}])
def test_class_weight_reaches_the_loss(class_weight, signal_data):
    X, y = signal_data(n=100)
    y[:80] = 0
    clf = LSTMClassifier(**dict(FIXED, max_epochs=1, class_weight=class_weight)).fit(X, y)
    # Class weights become row weights in the loss: the same as giving them as sample_weight.
    per_class = len(y) / (2 * np.bincount(y)) if class_weight == "balanced" else [1.0, 3.0]
    rows = np.asarray(per_class)[y]
    same = LSTMClassifier(**dict(FIXED, max_epochs=1)).fit(X, y, sample_weight=rows)
    np.testing.assert_array_equal(clf.predict_proba(X), same.predict_proba(X))
    unweighted = LSTMClassifier(**dict(FIXED, max_epochs=1)).fit(X, y)
    assert not np.array_equal(clf.predict_proba(X), unweighted.predict_proba(X))
    # ... and multiply the sample weights.
    both = LSTMClassifier(**dict(FIXED, max_epochs=1, class_weight=class_weight)).fit(
        X, y, sample_weight=np.full(len(y), 2.0))
    twice = LSTMClassifier(**dict(FIXED, max_epochs=1)).fit(X, y, sample_weight=2 * rows)
    np.testing.assert_array_equal(both.predict_proba(X), twice.predict_proba(X))


def test_device_resolution(signal_data):
    X, y = signal_data(n=40)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=1, device="auto")).fit(X, y)
    assert clf.device_ == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            LSTMClassifier(**dict(FIXED, device="cuda")).fit(X, y)


def test_ids_beyond_vocabulary_and_padding_rows_at_predict(signal_data):
    X, y = signal_data(n=80)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=2)).fit(X, y)
    assert clf.vocab_size_ == X.max() + 1
    X_new = np.array([[5, 10_000, 7], [0, 0, 0], [2**31 - 1, 0, 0]], dtype=np.int64)
    proba = clf.predict_proba(X_new)
    assert np.isfinite(proba).all()
    unknown = np.array([[5, 1, 7]])
    np.testing.assert_allclose(proba[:1], clf.predict_proba(unknown), atol=1e-6)
    # Wider and narrower matrices than in fit are fine.
    assert clf.predict(np.zeros((2, 50), dtype=int)).shape == (2,)
    assert clf.predict(X[:, :3]).shape == (80,)


def test_whole_number_floats_accepted(signal_data):
    X, y = signal_data(n=60)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=2)).fit(X.astype(float), y)
    np.testing.assert_allclose(clf.predict_proba(X.astype(float)), clf.predict_proba(X))


def test_input_is_not_modified(signal_data):
    X, y = signal_data(n=60)
    X[0, 3] = 999
    X_copy, y_copy = X.copy(), y.copy()
    clf = LSTMClassifier(**dict(FIXED, max_epochs=1)).fit(X, y)
    clf.predict(X)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_not_fitted():
    with pytest.raises(NotFittedError):
        LSTMClassifier().predict(np.array([[2, 3]]))


def test_clone_and_params():
    clf = LSTMClassifier(hidden_size=32, pooling="attention")
    params = clf.get_params()
    assert params["hidden_size"] == 32 and params["pooling"] == "attention"
    twin = clone(clf.set_params(num_layers=2))
    assert twin.get_params() == clf.get_params()
    with pytest.raises(TypeError):
        LSTMClassifier(64)  # keyword-only


def test_invalid_parameter_reported_at_fit(signal_data):
    X, y = signal_data(n=40)
    clf = LSTMClassifier(pooling="sum")  # constructing never validates
    with pytest.raises(ValueError, match="pooling"):
        clf.fit(X, y)


@pytest.mark.parametrize("dump, load", [
    (pickle.dumps, pickle.loads),
    (lambda est: (lambda f: (joblib.dump(est, f), f.getvalue())[1])(io.BytesIO()),
     lambda data: joblib.load(io.BytesIO(data))),
])
def test_pickle_round_trip(dump, load, signal_data):
    X, y = signal_data(n=80)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=2)).fit(X, np.where(y, "pos", "neg"))
    restored = load(dump(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(restored.classes_, clf.classes_)


def test_verbose_prints_epoch_table(capsys, signal_data):
    X, y = signal_data(n=60)
    LSTMClassifier(**dict(SMALL, max_epochs=2, verbose=1)).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "valid_loss" in out
    LSTMClassifier(**dict(SMALL, max_epochs=2, verbose=0)).fit(X, y)
    assert capsys.readouterr().out == ""


def test_user_callbacks_run(signal_data):
    class CountEpochs(Callback):
        def initialize(self):
            self.epochs = 0
            return self

        def on_epoch_end(self, net, **kwargs):
            self.epochs += 1

    X, y = signal_data(n=60)
    counter = CountEpochs()
    clf = LSTMClassifier(**dict(FIXED, max_epochs=3, callbacks=[("count", counter)])).fit(X, y)
    assert dict(clf.net_.callbacks_)["count"].epochs == 3


# ------------------------------------------------------ pretrained vectors


def _table(n_rows=42, dim=6, seed=0):
    table = np.random.default_rng(seed).normal(0, 0.5, (n_rows, dim)).astype(np.float32)
    table[0] = 0
    return table


def test_embeddings_initialise_the_table_and_set_its_width(signal_data):
    X, y = signal_data(n=80)  # ids up to 41
    table = _table()
    clf = LSTMClassifier(**dict(FIXED, max_epochs=2, embeddings=table, embedding_dim=99))
    clf.fit(X, y)
    weight = clf.module_.embedding.weight.detach().numpy()
    assert weight.shape == (42, 6) and clf.vocab_size_ == 42  # the table's width wins
    assert not np.allclose(weight[2:], table[2:])  # fine-tuned by default
    frozen = LSTMClassifier(**dict(FIXED, max_epochs=2, embeddings=table,
                                   freeze_embeddings=True)).fit(X, y)
    np.testing.assert_array_equal(frozen.module_.embedding.weight.detach().numpy(), table)
    assert clf.score(X, y) > 0.5
    np.testing.assert_array_equal(table, _table())  # the parameter is not modified


def test_embeddings_larger_or_smaller_than_the_ids(signal_data):
    X, y = signal_data(n=60)
    big = LSTMClassifier(**dict(FIXED, max_epochs=1, embeddings=_table(100))).fit(X, y)
    assert big.vocab_size_ == 100
    # ids 42 .. 99 have rows of their own: they are not read as unknown
    assert big.predict_proba(np.array([[99, 0]])).shape == (1, 2)
    with pytest.warns(UserWarning, match="ids up to 41 but embeddings has only 30 rows"):
        small = LSTMClassifier(**dict(FIXED, max_epochs=1, embeddings=_table(30))).fit(X, y)
    assert small.vocab_size_ == 42
    weight = small.module_.embedding.weight.detach().numpy()
    assert weight.shape == (42, 6)
    np.testing.assert_array_equal(weight[:1], 0)


def test_embeddings_accept_aligned_vectors_and_reject_raw_ones(signal_data):
    from sklstm import WordVectors

    X, y = signal_data(n=60)
    words = [f"w{i}" for i in range(2, 42)]
    vectors = WordVectors(words, _table(40))
    aligned = vectors.align(words, random_state=0)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=1, embeddings=aligned,
                                freeze_embeddings=True)).fit(X, y)
    np.testing.assert_array_equal(clf.module_.embedding.weight.detach().numpy(),
                                  aligned.matrix)
    with pytest.raises(TypeError, match=r"align\(tokenizer.vocabulary_\)"):
        LSTMClassifier(**dict(FIXED, embeddings=vectors)).fit(X, y)


@pytest.mark.parametrize("embeddings, match", [
    (np.zeros((1, 4)), "at least 2 rows"),
    (np.zeros(4), "2-D"),
    (np.full((5, 2), np.nan), "row 0 holds NaN"),
    ("table", "embeddings"),
])
def test_bad_embeddings(embeddings, match, signal_data):
    X, y = signal_data(n=40)
    with pytest.raises(ValueError, match=match):
        LSTMClassifier(**dict(FIXED, embeddings=embeddings)).fit(X, y)


def test_embeddings_clone_and_pickle(signal_data):
    X, y = signal_data(n=60)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=1, embeddings=_table(),
                                freeze_embeddings=True))
    twin = clone(clf)
    np.testing.assert_array_equal(twin.embeddings, clf.embeddings)
    twin.fit(X, y)
    restored = pickle.loads(pickle.dumps(twin))
    np.testing.assert_array_equal(restored.predict_proba(X), twin.predict_proba(X))


@pytest.mark.parametrize("params, match", [
    (dict(lr_schedule="linear"), "lr_schedule"),
    (dict(warmup=1.0), "warmup"),
    (dict(warmup=-0.1), "warmup"),
    (dict(conv_filters=0), "conv_filters"),
    (dict(conv_kernel_size=0), "conv_kernel_size"),
    (dict(freeze_embeddings="yes"), "freeze_embeddings"),
])
def test_invalid_new_parameters(params, match, signal_data):
    X, y = signal_data(n=40)
    with pytest.raises(ValueError, match=match):
        LSTMClassifier(**dict(FIXED, **params)).fit(X, y)


# ----------------------------------------------------------------- CNN-LSTM


def test_conv_front_end_learns_and_is_padding_exact(signal_data):
    X, y = signal_data()
    clf = LSTMClassifier(**dict(FIXED, conv_filters=12, conv_kernel_size=3)).fit(X[:200],
                                                                               y[:200])
    assert clf.module_.conv.out_channels == 12 and clf.module_.conv.kernel_size == (3,)
    assert clf.score(X[200:], y[200:]) > 0.8
    proba = clf.predict_proba(X[200:])
    for i in (0, 5, 99):
        np.testing.assert_allclose(clf.predict_proba(X[200 + i:201 + i]), proba[i:i + 1],
                                   atol=1e-6)


def test_safe_state_round_trip_without_pickle(signal_data):
    X, y = signal_data(n=60)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=2, class_weight="balanced")).fit(X, y)
    state = clf.get_safe_state()
    assert set(state["files"]) == {"weights.safetensors"}
    assert "net_" not in state["attributes"] and "module_" not in state["attributes"]
    assert state["attributes"]["vocab_size_"] == clf.vocab_size_
    assert state["attributes"]["embedding_dim_"] == 8
    restored = LSTMClassifier(**state["params"]).set_safe_state(state)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert restored.n_iter_ == 2 and list(restored.history_) == list(clf.history_)
    broken = dict(state, files={"weights.safetensors": b"nonsense"})
    with pytest.raises(ValueError, match="weights in weights.safetensors cannot be read"):
        LSTMClassifier(**state["params"]).set_safe_state(broken)


@pytest.mark.parametrize("bag_ngrams", [2, 1, 3, None])
def test_bag_of_ngrams_parameter_shapes_the_module(bag_ngrams, signal_data):
    X, y = signal_data(n=60)
    assert LSTMClassifier().bag_ngrams == 2
    clf = LSTMClassifier(**dict(FIXED, max_epochs=2, bag_ngrams=bag_ngrams)).fit(X, y)
    bag = clf.module_.bag
    if bag_ngrams is None:
        assert bag is None
    else:
        assert bag.max_n == bag_ngrams and bag.unigrams.num_embeddings == clf.vocab_size_
        assert torch.count_nonzero(bag.unigrams.weight) > 0  # it trained


@pytest.mark.parametrize("param, strip, as_before", [
    # sklstm 0.2.0: no bag_ngrams, no bag
    ("bag_ngrams", lambda module: delattr(module, "bag"), lambda module: module.bag is None),
    # sklstm 0.3.0: a bag without naive-Bayes factors, no bag_prior
    ("bag_prior", lambda module: delattr(module.bag, "prior"),
     lambda module: module.bag.prior is False),
], ids=["0.2.0", "0.3.0"])
def test_models_from_before_a_parameter_load_as_they_were(param, strip, as_before, signal_data):
    X, y = signal_data(n=60)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=2, **{param: None})).fit(X, y)
    old = pickle.loads(pickle.dumps(clf))  # as that sklstm pickled it
    strip(old.module_)
    delattr(old, param)
    restored = pickle.loads(pickle.dumps(old))
    assert getattr(restored, param) is None and as_before(restored.module_)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    safe = clf.get_safe_state()
    del safe["params"][param]  # a file of that sklstm
    loaded = LSTMClassifier(**safe["params"]).set_safe_state(safe)
    assert getattr(loaded, param) is None and as_before(loaded.module_)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def _expected_prior(X, Y, weights, vocab_size):
    bag = BagOfNgrams(num_embeddings=vocab_size, num_classes=Y.shape[1], prior=True)
    return bag.fit_prior(torch.as_tensor(X), torch.as_tensor(Y, dtype=torch.float32),
                         torch.as_tensor(weights, dtype=torch.float32))


def test_bag_prior_is_counted_on_the_training_rows(signal_data):
    X, y = signal_data(n=80, n_classes=3)
    assert LSTMClassifier().bag_prior == "naive_bayes"
    weights = np.linspace(0.0, 2.0, len(y))
    clf = LSTMClassifier(**dict(FIXED, max_epochs=1)).fit(X, y, sample_weight=weights)
    expected = _expected_prior(X, np.eye(3)[y], weights, clf.vocab_size_)
    bag = clf.module_.bag
    torch.testing.assert_close(bag.unigram_prior, expected.unigram_prior)
    torch.testing.assert_close(bag.ngram_prior, expected.ngram_prior)
    # With a validation split, only the training part counts.
    seen = {}

    class TrainingRows(Callback):
        def on_train_begin(self, net, X=None, y=None, **kwargs):
            seen.update(X=X["X"], y=y)

    clf = LSTMClassifier(**dict(FIXED, max_epochs=1, validation_fraction=0.25,
                                callbacks=[TrainingRows()])).fit(X, y)
    assert len(seen["y"]) == 60
    expected = _expected_prior(seen["X"], np.eye(3)[seen["y"]], np.ones(60), clf.vocab_size_)
    torch.testing.assert_close(clf.module_.bag.unigram_prior, expected.unigram_prior)
    assert not torch.allclose(clf.module_.bag.unigram_prior,
                              _expected_prior(X, np.eye(3)[y], np.ones(80),
                                              clf.vocab_size_).unigram_prior)
    plain = LSTMClassifier(**dict(FIXED, max_epochs=1, bag_prior=None)).fit(X, y)
    assert plain.module_.bag.prior is False
    assert "bag.unigram_prior" not in plain.module_.state_dict()


def test_bag_prior_multilabel_partial_fit_and_saved_models(signal_data, tmp_path):
    X, Y = multilabel_data(signal_data, n=120)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=1)).fit(X, Y)
    expected = _expected_prior(X, Y, np.ones(len(Y)), clf.vocab_size_)  # label columns
    torch.testing.assert_close(clf.module_.bag.unigram_prior, expected.unigram_prior)
    path = tmp_path / "model.sklstm"
    sklstm.save(clf, path)
    loaded = sklstm.load(path)
    torch.testing.assert_close(loaded.module_.bag.ngram_prior, clf.module_.bag.ngram_prior)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    X, y = signal_data(n=60)
    streamed = LSTMClassifier(**FIXED).partial_fit(X, y, classes=[0, 1])
    assert torch.all(streamed.module_.bag.unigram_prior == 1)  # too few rows to count on


def test_fit_reads_as_validate_then_run():
    """fit validates, then hands the ids to a TrainingRun and keeps what it returns."""
    import inspect

    from sklstm.lstm._base import BaseLSTM

    body = inspect.getsource(BaseLSTM._train).split('"""')[-1]
    assert "TrainingRun(" in body and len(body.strip().splitlines()) <= 14


# --------------------------------------------------------- decision_function


def test_decision_function_is_the_logits(signal_data):
    X, y = signal_data(n=80)
    binary = LSTMClassifier(**dict(FIXED, max_epochs=2)).fit(X, y)
    scores = binary.decision_function(X)
    assert scores.shape == (80,)
    proba = binary.predict_proba(X)
    np.testing.assert_allclose(1 / (1 + np.exp(-scores)), proba[:, 1], rtol=1e-6)
    assert ((scores > 0) == (binary.predict(X) == binary.classes_[1])).all()
    X3, y3 = signal_data(n=90, n_classes=3)
    multi = LSTMClassifier(**dict(FIXED, max_epochs=2)).fit(X3, y3)
    logits = multi.decision_function(X3)
    assert logits.shape == (90, 3)
    np.testing.assert_array_equal(logits.argmax(axis=1), multi.predict_proba(X3).argmax(axis=1))


# ----------------------------------------------------------------- multi-label


def multilabel_data(signal_data, n=240):
    """Three labels: the class token's label, its complement, and 'a long text'."""
    X, y = signal_data(n=n)
    lengths = (X != 0).sum(axis=1)
    return X, np.column_stack([y, 1 - y, (lengths > 10).astype(int)])


def test_multilabel_indicator_one_sigmoid_per_label(signal_data):
    X, Y = multilabel_data(signal_data)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=20)).fit(X[:180], Y[:180])
    assert clf.multilabel_ and clf.classes_.tolist() == [0, 1, 2]
    proba = clf.predict_proba(X[180:])
    assert proba.shape == (60, 3) and not np.allclose(proba.sum(axis=1), 1.0)
    predicted = clf.predict(X[180:])
    assert predicted.shape == (60, 3) and set(np.unique(predicted)) <= {0, 1}
    np.testing.assert_array_equal(predicted, (proba >= 0.5).astype(int))
    from sklearn.metrics import f1_score, hamming_loss

    assert f1_score(Y[180:], predicted, average="samples") > 0.8
    assert hamming_loss(Y[180:], predicted) < 0.15
    assert clf.decision_function(X[:4]).shape == (4, 3)


def test_multilabel_label_sets_and_float_and_tuned_thresholds(signal_data):
    X, Y = multilabel_data(signal_data, n=200)
    names = np.array(["pos", "neg", "long"])
    sets = [set(names[row.astype(bool)]) for row in Y]
    clf = LSTMClassifier(**dict(FIXED, max_epochs=3, threshold=0.3)).fit(X, sets)
    assert clf.classes_.tolist() == ["long", "neg", "pos"]
    np.testing.assert_array_equal(clf.thresholds_, [0.3, 0.3, 0.3])
    np.testing.assert_array_equal(clf.predict(X), clf.predict_proba(X) >= 0.3)
    tuned = LSTMClassifier(**dict(SMALL, lr=1e-2, max_epochs=3, threshold="tuned",
                                  validation_fraction=0.25, early_stopping=False)).fit(X, Y)
    assert tuned.thresholds_.shape == (3,) and ((tuned.thresholds_ > 0)
                                                & (tuned.thresholds_ < 1)).all()
    with pytest.raises(ValueError, match="threshold='tuned' needs a validation split"):
        LSTMClassifier(**dict(FIXED, threshold="tuned")).fit(X, Y)


def test_multilabel_cross_val_score_f1_samples(signal_data):
    from sklearn.model_selection import cross_val_score

    X, Y = multilabel_data(signal_data, n=150)
    scores = cross_val_score(LSTMClassifier(**dict(FIXED, max_epochs=15)), X, Y, cv=3,
                             scoring="f1_samples")
    assert scores.shape == (3,) and scores.mean() > 0.7


# -------------------------------------------------------------- sample weights


def test_sample_weight_moves_the_fit_and_the_validation_loss(signal_data):
    X, y = signal_data(n=120)
    params = dict(SMALL, lr=1e-2, max_epochs=3, early_stopping=False)
    plain = LSTMClassifier(**params).fit(X, y)
    ones = LSTMClassifier(**params).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_array_equal(ones.predict_proba(X), plain.predict_proba(X))
    assert ones.history_[:, "valid_loss"] == plain.history_[:, "valid_loss"]
    weights = np.where(y == 0, 10.0, 0.1)
    weighted = LSTMClassifier(**params).fit(X, y, sample_weight=weights)
    assert weighted.predict_proba(X)[:, 0].mean() > plain.predict_proba(X)[:, 0].mean()
    # the weights also weigh the validation loss (the same split: same seed, same rows)
    assert weighted.history_[:, "valid_loss"] != plain.history_[:, "valid_loss"]


def test_zero_weights_are_allowed(signal_data):
    X, y = signal_data(n=60)
    weights = np.ones(60)
    weights[::2] = 0.0
    clf = LSTMClassifier(**dict(FIXED, max_epochs=2)).fit(X, y, sample_weight=weights)
    assert clf.n_iter_ == 2


def test_sample_weight_leaving_one_class_is_an_error(signal_data):
    X, y = signal_data(n=60)
    with pytest.raises(ValueError, match="positive weight to one class only"):
        LSTMClassifier(**FIXED).fit(X, y, sample_weight=(y == 1).astype(float))


# ----------------------------------------------------- warm start, partial fit


def test_warm_start_continues_from_the_fitted_weights_and_optimizer(signal_data):
    X, y = signal_data(n=100)
    params = dict(FIXED, max_epochs=2, warm_start=True)
    clf = LSTMClassifier(**params).fit(X, y)
    net, first_losses = clf.net_, clf.history_[:, "train_loss"]
    steps = float(clf.net_.optimizer_.state_dict()["state"][0]["step"])  # a copy
    clf.fit(X, y)
    assert clf.net_ is net and clf.n_iter_ == 4 and len(clf.history_) == 4
    assert clf.net_.optimizer_.state_dict()["state"][0]["step"] == 2 * steps
    assert clf.history_[:, "train_loss"][2] < first_losses[0]
    # the same sequence of calls gives the same model
    again = LSTMClassifier(**params).fit(X, y).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    # without warm_start a fit starts anew
    cold = LSTMClassifier(**dict(params, warm_start=False)).fit(X, y).fit(X, y)
    assert cold.n_iter_ == 2
    with pytest.raises(ValueError, match="not in the classes of the first fit"):
        clf.fit(X, np.where(y == 1, 7, y))


def test_partial_fit_trains_one_epoch_a_call(signal_data):
    X, y = signal_data(n=120)
    clf = LSTMClassifier(**dict(SMALL, lr=1e-2, vocab_size=50))
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X[:40], y[:40])
    for start in range(0, 120, 40):
        clf.partial_fit(X[start:start + 40], y[start:start + 40], classes=[0, 1])
    assert clf.n_iter_ == 3 and clf.vocab_size_ == 50
    assert clf.module_.embedding.num_embeddings == 50
    again = LSTMClassifier(**dict(SMALL, lr=1e-2, vocab_size=50))
    for start in range(0, 120, 40):
        again.partial_fit(X[start:start + 40], y[start:start + 40], classes=[0, 1])
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    for _ in range(10):
        clf.partial_fit(X, y)
    assert clf.score(X, y) > 0.9


# ------------------------------------------------------------- unlabelled rows


def _with_unlabelled(signal_data, marker=-1, labels=None, n=160, n_unlabelled=60):
    """Labelled rows of signal_data, then rows of the same ids labelled ``marker``."""
    X, y = signal_data(n=n + n_unlabelled, seed=3)
    y = np.asarray(labels)[y] if labels is not None else y
    y_semi = y.astype(object) if labels is not None else y.copy()
    y_semi[n:] = marker
    if labels is not None:
        y_semi = np.array(y_semi.tolist())
    return X, y, y_semi


def test_unlabelled_rows_are_left_out_of_the_supervised_fit(signal_data):
    X, y, y_semi = _with_unlabelled(signal_data)
    # Early stopping, its validation split, class and sample weights: labelled rows only.
    params = dict(SMALL, lr=1e-2, max_epochs=4, class_weight="balanced", vocab_size=50)
    weights = np.linspace(0.5, 2.0, len(y))
    with pytest.warns(UserWarning, match="60 unlabelled rows are ignored; set "
                                         "pretraining='lm' or 'word2vec'"):
        semi = LSTMClassifier(**params, unlabeled_label=-1, pretraining=None).fit(
            X, y_semi, sample_weight=weights)
    labelled = LSTMClassifier(**params).fit(X[:160], y[:160], sample_weight=weights[:160])
    assert semi.classes_.tolist() == [0, 1] and semi.n_unlabeled_ == 60
    assert labelled.n_unlabeled_ == 0
    assert semi.history_[:, "valid_loss"] == labelled.history_[:, "valid_loss"]
    np.testing.assert_array_equal(semi.predict_proba(X), labelled.predict_proba(X))
    assert -1 not in semi.predict(X)


def test_string_labels_with_a_string_marker(signal_data):
    X, y, y_semi = _with_unlabelled(signal_data, marker="", labels=["neg", "pos"])
    with pytest.warns(UserWarning, match="unlabelled rows are ignored"):
        clf = LSTMClassifier(**FIXED, unlabeled_label="", pretraining=None).fit(X, list(y_semi))
    assert clf.classes_.tolist() == ["neg", "pos"]
    assert set(clf.predict(X)) <= {"neg", "pos"}
    assert clf.score(X[:160], y[:160]) > 0.9


def test_minus_one_is_a_class_by_default(signal_data):
    X, y = signal_data(n=120)
    y = np.where(y == 0, -1, 1)
    clf = LSTMClassifier(**dict(FIXED, max_epochs=5)).fit(X, y)
    assert clf.classes_.tolist() == [-1, 1] and clf.n_unlabeled_ == 0
    # a marker no row carries changes nothing either
    marked = LSTMClassifier(**dict(FIXED, max_epochs=5), unlabeled_label=99).fit(X, y)
    np.testing.assert_array_equal(marked.predict_proba(X), clf.predict_proba(X))


def test_partial_fit_ignores_unlabelled_rows(signal_data):
    X, y, y_semi = _with_unlabelled(signal_data)
    clf = LSTMClassifier(**dict(SMALL, lr=1e-2), unlabeled_label=-1)
    with pytest.warns(UserWarning, match="partial_fit never pretrains"):
        clf.partial_fit(X, y_semi, classes=[0, 1])
    assert clf.classes_.tolist() == [0, 1] and clf.n_unlabeled_ == 60
    with pytest.raises(ValueError, match="classes holds unlabeled_label=-1"):
        LSTMClassifier(**FIXED, unlabeled_label=-1).partial_fit(X, y_semi, classes=[-1, 0, 1])
