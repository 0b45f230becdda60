"""Everything sklstm 1.x keeps for the code, pickles and command lines of sklstm 0.x: one door.

sklstm 1.0 moved its 32 flat modules into packages (:mod:`sklstm.lstm`,
:mod:`sklstm.vectors`, ...). The old import paths still work for the 1.x
series, through the one table here, :data:`MOVED`: each 0.x module that
moved, with the names it served and their new home. A finder installed by
the package answers ``import sklstm.classifier`` (and the same lookup by
pickle, so a model pickled by sklstm 0.x loads) with a stand-in module whose
names are read from their new home. The first use of each old name warns
once, with a :class:`FutureWarning` that names the new path; sklstm 2.0
removes them.

:func:`deprecated` is the one way to warn of anything else that is going (a
renamed attribute, a command-line option): each such use names its
replacement through it.
"""

import importlib
import importlib.abc
import importlib.util
import sys
import types

from ._utils.warn import warn_caller

__all__ = ["MOVED", "deprecated", "install", "old_module"]

#: Where the public names of sklstm 0.x modules live since 1.0:
#: ``old module -> (new module, {name: where that name is, or None})``.
#: None: the name is in the entry's new module; ``"module"``: in that module;
#: ``"module:other"``: in that module, under another name.
MOVED = {
    "sklstm.attributions": ("sklstm.explain", {
        "INTEGRATIONS": None, "Attributions": None, "attention_weights": None,
        "integrated_gradients": None, "output_columns": "sklstm.explain._model"}),
    "sklstm.base": ("sklstm.lstm._base", {
        "BaseLSTM": None, "PARAMETERS_DOC": "sklstm.lstm._params"}),
    "sklstm.baselines": ("sklstm.compare", {
        "WORD_AND_MARK_TOKENS": None, "WORD_AND_PUNCT_TOKENS": None, "WORD_TOKENS": None,
        "NBSVMClassifier": None, "make_nblr": None, "make_nbsvm": None,
        "make_tfidf_logreg": None, "make_tfidf_svm": None, "strip_html": None}),
    "sklstm.batching": ("sklstm.lstm", {
        "BucketIterator": None, "padding_efficiency": None, "sequence_lengths": None}),
    "sklstm.callbacks": ("sklstm.lstm.callbacks", {
        "NonFiniteLossError": None, "StopOnNonFiniteLoss": None, "TrainingProgress": None,
        "early_stopped": None,
        # in sklstm.callbacks until 0.1, then in sklstm.checkpoint
        "CHECKPOINT_FILE": None, "TrainingCheckpoint": None, "read_checkpoint": None,
        "restore_checkpoint": None, "data_fingerprint": "sklstm._utils.hashing:array_fingerprint"}),
    "sklstm.checkpoint": ("sklstm.lstm.callbacks", {
        "CHECKPOINT_FILE": None, "TrainingCheckpoint": None, "read_checkpoint": None,
        "restore_checkpoint": None, "data_fingerprint": "sklstm._utils.hashing:array_fingerprint"}),
    "sklstm.classifier": ("sklstm.lstm", {
        "LSTMClassifier": None,
        # models pickled by sklstm 0.1 name the cosine schedule here
        "WarmupCosine": "sklstm.lstm.callbacks",
        "check_labels": "sklstm._utils.validation"}),
    "sklstm.comparison": ("sklstm.compare", {
        "ComparisonResult": None, "compare": None, "cross_compare": None}),
    "sklstm.embeddings": ("sklstm.vectors", {
        "FORMATS": None, "EmbeddingMatrix": None, "Word2VecVectors": None, "WordVectors": None,
        "check_embedding_matrix": None, "load_word_vectors": None, "word_tokens": None}),
    "sklstm.encoding": ("sklstm.tokenization._encoding", {
        "LEVELS": "sklstm.tokenization", "ChunkEncoder": None, "build_model_and_trainer": None,
        "build_normalizer": None, "build_pre_tokenizer": None, "clip_long_texts": None,
        "make_encodable": None, "new_tokenizer": None, "ragged_to_lists": None,
        "ragged_to_matrix": None, "ragged_words": None, "without_added_tokens": None}),
    "sklstm.explanation": ("sklstm.explain", {
        "Explanation": None, "ExplanationList": None, "explanations_html": None,
        "plot_explanation": None}),
    "sklstm.history": ("sklstm.compare", {
        "HISTORY_KEYS": None, "history_records": None, "training_history": None}),
    "sklstm.modules": ("sklstm.lstm", {
        "BagOfNgrams": None, "LSTMTextModule": None, "POOLING_OPTIONS": None}),
    "sklstm.nets": ("sklstm.lstm._nets", {
        "ClassifierNet": None, "MultiLabelNet": None, "RegressorNet": None,
        "WeightedLossMixin": None}),
    "sklstm.persistence": ("sklstm", {
        "FORMAT": "sklstm._persistence", "FORMAT_VERSION": "sklstm._persistence",
        "ModelFileError": None, "load": None, "load_metadata": None, "save": None}),
    "sklstm.plotting": ("sklstm.compare", {
        "plot_confusion_matrices": None, "plot_data_summary": None, "plot_scores": None,
        "plot_training_curves": None}),
    "sklstm.pretraining": ("sklstm.lstm._language_model", {
        "DEFAULT_EPOCHS": "sklstm.lstm._pretraining", "LM_BATCH_SIZE": None, "LM_LR": None,
        "LM_MAX_STEPS": None, "PRETRAINING_OPTIONS": "sklstm.lstm", "LanguageModel": None,
        "PretrainingResult": "sklstm.lstm._pretraining", "adaptive_cutoffs": None,
        "encoder_weights": None, "lm_windows": None, "pretrain": "sklstm.lstm._pretraining",
        "pretrain_language_model": None,
        "word2vec_embeddings": "sklstm.lstm._pretraining"}),
    "sklstm.regressor": ("sklstm.lstm", {"LSTMRegressor": None}),
    "sklstm.report": ("sklstm.compare", {"build_report": None, "write_report": None}),
    "sklstm.schedules": ("sklstm.lstm.callbacks", {
        "SCHEDULES": None, "WarmupCosine": None, "lr_scheduler": None}),
    "sklstm.self_training": ("sklstm.semi_supervised", {
        "SelfTrainingClassifier": None, "most_confident": None, "pseudo_label_count": None}),
    "sklstm.tables": ("sklstm.datasets", {
        "FOLDER_COLUMNS": None, "FORMATS": "sklstm.datasets._tables", "TableError": None,
        "default_text_columns": None, "iter_table": None, "load_table": None,
        "table_format": None, "table_texts": None}),
    "sklstm.tokenizer": ("sklstm.tokenization", {
        "PAD_ID": None, "PAD_TOKEN": None, "UNK_ID": None, "UNK_TOKEN": None,
        "TextTokenizer": None, "check_texts": None}),
    "sklstm.training": ("sklstm.lstm._training", {
        "EVAL_BATCH_FACTOR": None, "OPTIMIZERS": "sklstm.lstm._params", "RunResult": None,
        "TrainingRun": None,
        "validation_split": None}),
    "sklstm.vector_files": ("sklstm.vectors", {
        "FORMATS": None, "load_word_vectors": None, "save_word_vectors": None}),
    "sklstm.word2vec": ("sklstm.vectors", {"Word2VecVectors": None, "word_tokens": None}),
    "sklstm.word_vectors": ("sklstm.vectors", {
        "EmbeddingMatrix": None, "WordVectors": None, "check_embedding_matrix": None}),
}

_SINCE, _REMOVED_IN = "1.0", "2.0"
_warned = set()


def deprecated(old, new=None, *, advice=None, once=True):
    """Warn, with a FutureWarning at the user's line, that ``old`` is going.

    Parameters
    ----------
    old : str
        What is deprecated, as the user wrote it (``sklstm.classifier``, ``--input``).
    new : str or None, default=None
        What to use instead: the message says "use <new> instead".
    advice : str or None, default=None
        What to do where there is nothing to use instead (``new`` is None).
    once : bool, default=True
        Warn only the first time ``old`` is used in this process.
    """
    if once and old in _warned:
        return
    _warned.add(old)
    advice = f"use {new} instead" if new is not None else advice
    warn_caller(f"{old} is deprecated since sklstm {_SINCE} and will be removed in "
                f"{_REMOVED_IN}: {advice}", FutureWarning)


def _exports(face, name, value):
    module = sys.modules.get(face) or importlib.import_module(face)
    return name in getattr(module, "__all__", ()) and getattr(module, name, None) is value


def _public_path(module, name, value):
    """Where a user should import ``value`` from: ``sklstm`` itself for the headline names,
    else the face of its package (the module's path up to its first private part); None
    where no face exports it."""
    parts = module.split(".")
    private = next((i for i, part in enumerate(parts) if part.startswith("_")), len(parts))
    for face in ("sklstm", ".".join(parts[:private])):
        if face.startswith("sklstm") and _exports(face, name, value):
            return f"{face}.{name}"
    return None


class _OldModule(types.ModuleType):
    """What ``import sklstm.<0.x module>`` gives: its names, read from their new home."""

    def __getattr__(self, name):
        new, names = MOVED[self.__name__]
        if name not in names:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        module, _, attribute = (names[name] or new).partition(":")
        attribute = attribute or name
        value = getattr(importlib.import_module(module), attribute)
        public = _public_path(module, attribute, value)
        deprecated(f"{self.__name__}.{name}", public,
                   advice=f"it is internal from sklstm {_SINCE} on ({module}.{attribute}), "
                          "with no public replacement")
        return value

    def __dir__(self):
        return sorted(MOVED[self.__name__][1])


class _OldModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the modules of :data:`MOVED`, which exist on disk no more."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        module = _OldModule(spec.name, f"sklstm 0.x's {spec.name}, moved to "
                                       f"{MOVED[spec.name][0]} in sklstm {_SINCE}.")
        module.__all__ = sorted(MOVED[spec.name][1])
        return module

    def exec_module(self, module):
        pass


def install():
    """Put the finder of the 0.x modules first on ``sys.meta_path`` (once).

    First, so that a stale file of an old install (``sklstm/classifier.py``
    left behind) is never imported instead.
    """
    if not any(isinstance(finder, _OldModuleFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _OldModuleFinder())


def old_module(name):
    """``sklstm.<name>`` for a 0.x module read as an attribute of the package (PEP 562)."""
    if f"sklstm.{name}" not in MOVED:
        raise AttributeError(f"module 'sklstm' has no attribute {name!r}")
    return importlib.import_module(f"sklstm.{name}")
