"""The hyperparameters of the LSTM estimators, each declared once.

A :class:`Param` says all sklstm needs to know of one constructor parameter
of :class:`~sklstm.LSTMClassifier` and :class:`~sklstm.LSTMRegressor`: its
default (per estimator where they differ), its constraint (scikit-learn's
``_parameter_constraints`` format), its entry in the docstrings, whether it
is an argument of the PyTorch network (``module__<name>``), whether it
enters the fingerprint of a run's checkpoint, and, for a parameter added
after 0.1, the value that does what models saved before it did. The
estimators' constraints and docstrings, the network's keyword arguments, the
fingerprint and the values given to parameters an old pickle or model file
lacks all come from :data:`PARAMS`.

The estimators keep explicit ``__init__`` signatures, as scikit-learn's do;
``tests/lstm/test_params.py`` checks that they match the declarations.
Adding a parameter: declare it here, add it to the signature of each
estimator that has it, and use it where it acts (see the contributors'
guide).
"""

import os
from numbers import Integral, Real
from typing import NamedTuple

import torch
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from .._utils.torch import PRECISION_OPTIONS
from ._network import POOLING_OPTIONS
from ._pretraining import PRETRAINING_OPTIONS
from .callbacks import SCHEDULES

__all__ = ["LOSSES", "OPTIMIZERS", "PARAMETERS_DOC", "PARAMS", "Param", "constraints", "docstring",
           "earlier_behaviour", "fingerprint_excluded", "module_params", "signature_names",
           "store"]

BOTH = ("classifier", "regressor")

#: The values of ``optimizer``.
OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}
#: The values of ``loss`` (of the regressor): the criterion of each.
LOSSES = {"squared_error": torch.nn.MSELoss, "huber": torch.nn.HuberLoss}
_SAME = object()


def _positive():
    return Interval(Integral, 1, None, closed="left")


def _one_of(options, *, none=False):
    """A docstring type of a choice: ``"{'a', 'b'}"``, with ``" or None"``."""
    return "{" + ", ".join(repr(o) for o in options) + "}" + (" or None" if none else "")


class Param(NamedTuple):
    """One hyperparameter: everything sklstm derives its handling from."""

    name: str
    default: object
    """The default; a dict ``{kind: default}`` where the estimators differ."""
    constraints: list
    """Its ``_parameter_constraints`` entry."""
    type: str
    """The type line of its docstring entry (numpydoc), before ``, default=...``."""
    doc: str
    """Its description in the docstrings; a dict ``{kind: text}`` where they differ."""
    estimators: tuple = BOTH
    """The kinds of estimator that have it: 'classifier', 'regressor'."""
    module: bool = False
    """Whether it is a keyword argument of :class:`~sklstm.lstm.LSTMTextModule`."""
    fingerprint: bool = True
    """Whether it changes what a run computes, and so enters its checkpoint's fingerprint."""
    added: str = None
    """The sklstm version that added it (a ``versionadded`` note); None: since 0.1."""
    before: object = _SAME
    """The value that does what models saved before ``added`` did (default: ``default``)."""
    changed: dict = None
    """``{kind: (version, text)}``: a change of the default of the estimators of ``kind``
    (a ``versionchanged`` note)."""

    def default_for(self, estimator):
        return self.default[estimator] if isinstance(self.default, dict) else self.default

    def doc_for(self, estimator):
        text = self.doc[estimator] if isinstance(self.doc, dict) else self.doc
        default = self.default_for(estimator)
        lines = [f"{self.name} : {self.type}, default={default!r}"]
        lines += [f"    {line}" if line else "" for line in text.strip("\n").split("\n")]
        if self.added:
            lines += ["", f"    .. versionadded:: {self.added}"]
        if self.changed and estimator in self.changed:
            version, text = self.changed[estimator]
            lines += ["", f"    .. versionchanged:: {version}"]
            lines += [f"       {line}" for line in text.strip("\n").split("\n")]
        return "\n".join(lines)


PARAMS = (
    Param("embedding_dim", 128, [_positive()], "int", """
Width of the word vectors."""),
    Param("hidden_size", 128, [_positive()], "int", """
Width of each LSTM direction.""", module=True),
    Param("num_layers", 1, [_positive()], "int", """
Number of stacked LSTM layers.""", module=True),
    Param("bidirectional", True, ["boolean"], "bool", """
Whether the LSTM also reads each text backwards.""", module=True),
    Param("pooling", "max", [StrOptions(set(POOLING_OPTIONS))], _one_of(POOLING_OPTIONS), """
How per-step outputs become one vector per text
(see :class:`~sklstm.lstm.LSTMTextModule`).""", module=True),
    Param("dropout", 0.3, [Interval(Real, 0, 1, closed="left")], "float", """
Dropout between LSTM layers and before the output layer.""", module=True),
    Param("embedding_dropout", 0.0, [Interval(Real, 0, 1, closed="left")], "float", """
Dropout on the word vectors.""", module=True),
    Param("optimizer", "adam", [StrOptions(set(OPTIMIZERS))], _one_of(OPTIMIZERS), """
Optimiser."""),
    Param("lr", 2e-3, [Interval(Real, 0, None, closed="neither")], "float", """
Learning rate: the peak of ``lr_schedule``, or the fixed rate without
one."""),
    Param("weight_decay", 0.0, [Interval(Real, 0, None, closed="left")], "float", """
L2 penalty (decoupled for 'adamw')."""),
    Param("batch_size", 64, [_positive()], "int", """
Training batch size. Validation and prediction use batches four
times as large."""),
    Param("max_epochs", 10, [_positive(), StrOptions({"auto"})], "int or 'auto'", """
Most epochs to train; ``lr_schedule`` spans them all. 'auto' (new in
1.1.0) sizes them to the training rows: enough epochs for 80 training
batches, at least 3 and at most 10 (with the default batches and
validation split: 3 epochs from about 1,900 texts on, 4 for 1,500, 10
below about 570); ``n_iter_`` tells how many ran. The performance guide
measures ``lr_schedule='onecycle', lr=6e-3, max_epochs='auto'``: about a
third of the default's cost, within 0.4 points of it on IMDB train
holdouts of 2,000 to 20,000 reviews (above on two classes up to 5,000,
below on four classes and at 20,000) and half a point below on all
25,000 IMDB reviews."""),
    Param("clip_grad_norm", 1.0, [Interval(Real, 0, None, closed="neither"), None],
          "float or None", """
Clip the gradients' norm to this value; None turns clipping off."""),
    Param("early_stopping", True, ["boolean"], "bool", """
Stop when the validation loss has not improved for ``patience``
epochs and restore the best weights. Needs ``validation_fraction``."""),
    Param("patience", 2, [_positive()], "int", """
Epochs without improvement before early stopping."""),
    Param("validation_fraction", 0.1, [Interval(Real, 0, 1, closed="neither"), None],
          "float or None", """
Share of the training data held out (stratified) for validation.
None uses all data for training."""),
    Param("class_weight", None, [dict, StrOptions({"balanced"}), None],
          "dict, 'balanced' or None", """
Weights of the classes in the loss, as in scikit-learn; they multiply
``sample_weight``. Single-label targets only; with ``partial_fit``,
a dict only.""", estimators=("classifier",)),
    Param("random_state", None, ["random_state"], "int, RandomState instance or None", """
Seeds weight initialisation, dropout, the validation split and batch
order. With an int, repeated fits on the same data and device give
the same model (on CPU with a fixed number of threads)."""),
    Param("device", "auto", [str, torch.device], "{'auto', 'cpu', 'cuda'} or str", """
Torch device; 'auto' takes CUDA when it is available.""", fingerprint=False),
    Param("precision", "float32", [StrOptions(set(PRECISION_OPTIONS))],
          _one_of(PRECISION_OPTIONS), """
Numeric precision of the network's forward passes (training,
prediction and language-model pretraining): 'bfloat16' runs the LSTM
and the matrix products under ``torch.autocast`` in bfloat16, 'float32'
runs everything in float32, and 'auto' takes bfloat16 where the device
runs it natively (a CPU with avx512_bf16 or AMX, a CUDA GPU of compute
capability 8.0 or later), else float32. Weights, optimizer state and
saved models stay float32; fits are repeatable with ``random_state`` at
a given precision (so on one machine, not across machines of which one
has bfloat16 and the other not). Forced 'bfloat16' on hardware without
it trains emulated (slower, with a warning) and predicts in float32; a
model fitted in bfloat16 predicts in float32 on such a machine.
Integrated gradients (:func:`sklstm.explain`) always run in float32.
On IMDB train holdouts bfloat16 scored 0.25 points below float32 with
the default training (2,000 and 5,000 labels) and 0.11 with the
one-cycle recipe of ``max_epochs`` (2,000 to 20,000), so float32 stays
the default.""",
          added="1.1.0", before="float32"),
    Param("verbose", 0, ["verbose"], "int", """
0 is silent; 1 or more prints a table of the epochs, one line each,
and, in a terminal or a notebook, a progress bar of the batches (not
in a log file or a pipe, where each of its redraws would be a line).""", fingerprint=False),
    Param("callbacks", None, [list, None], "list of skorch callbacks or None", """
Extra skorch callbacks (instances or ``(name, callback)`` pairs),
added after sklstm's own.""", fingerprint=False),
    Param("embeddings", None, ["array-like", None],
          "array-like of shape (n_rows, dim), EmbeddingMatrix or None", """
Initial word vectors, row ``i`` for token id ``i``, such as
:meth:`sklstm.WordVectors.align` makes for the tokenizer's
vocabulary. Their width ``dim`` is the embedding width:
``embedding_dim`` is ignored. Row 0 (padding) is set to zero."""),
    Param("freeze_embeddings", False, ["boolean"], "bool", """
Keep the given ``embeddings`` fixed during training (ignored without
them)."""),
    Param("lr_schedule", None, [StrOptions(set(SCHEDULES)), None],
          _one_of(SCHEDULES, none=True), """
Learning-rate schedule, stepped after every training batch over
``max_epochs`` epochs: 'onecycle' rises from ``lr / 25`` to ``lr``
during the first ``warmup`` share of the batches, then anneals to
nearly zero (:class:`torch.optim.lr_scheduler.OneCycleLR`, which
also cycles Adam's first beta or SGD's momentum); 'cosine' rises
linearly to ``lr`` during the ``warmup`` share, then decays to zero
along a cosine. None keeps ``lr`` fixed. Early stopping may end
training before the schedule does."""),
    Param("warmup", 0.1, [Interval(Real, 0, 1, closed="left")], "float", """
Share of all training batches spent warming up, in [0, 1)."""),
    Param("conv_filters", None, [_positive(), None], "int or None", """
If set, a 1-D convolution with this many filters (same padding,
ReLU) runs over the word vectors before the LSTM (a CNN-LSTM).""", module=True),
    Param("conv_kernel_size", 5, [_positive()], "int", """
Width of the convolution's window, in tokens.""", module=True),
    Param("checkpoint_dir", None, [str, os.PathLike, None], "str, path-like or None", """
Folder for a checkpoint of the whole training state, replaced
atomically after every epoch. A later ``fit`` with the same
parameters, data and ``random_state`` resumes from it (and ends with
the same weights as an uninterrupted run); one that finds the
checkpoint of another run raises ValueError and leaves it alone.
Not meant for grid searches, whose fits would share the folder.""", fingerprint=False),
    Param("warm_start", False, ["boolean"], "bool", """
Whether ``fit`` continues from the fitted weights and optimizer state
for ``max_epochs`` more epochs (on the new data, with its own
validation split) instead of starting anew. The targets must have
the same classes (or outputs) as before."""),
    Param("vocab_size", None, [Interval(Integral, 2, None, closed="left"), None],
          "int or None", """
Rows of the embedding table. None: the largest id of the first fit
plus one (or the rows of ``embeddings``). Give the tokenizer's
``vocab_size_`` when the first fit may not see every id, as with
``partial_fit`` on a stream (and a fixed ``TextTokenizer(vocabulary=...)``)."""),
    Param("loss", "squared_error", [StrOptions(set(LOSSES))], _one_of(LOSSES), """
The training loss, on the standardised targets: the mean squared
error, or the Huber loss (squared within one standard deviation of
the target, linear beyond), which outliers sway less.""", estimators=("regressor",)),
    Param("threshold", 0.5, [Interval(Real, 0, 1, closed="neither"), StrOptions({"tuned"})],
          "float in (0, 1) or 'tuned'", """
Multi-label only: the probability from which :meth:`predict` sets a
label. 'tuned' picks, for each label, the threshold with the best F1
on the validation split (``validation_fraction`` must be set).""",
          estimators=("classifier",)),
    Param("unlabeled_label", None, [Real, str, None], "int, float, str or None", """
The label that marks a row of ``y`` as unlabelled (scikit-learn's
semi-supervised estimators use -1); of the labels' type: a number
for numeric labels, a string such as ``''`` for string labels.
Unlabelled rows are left out of the supervised training (classes,
validation split, early stopping, class and sample weights,
thresholds); ``pretraining`` learns from them. None: every
row is labelled, so that a -1/+1 task never turns semi-supervised by
accident. Single-label targets only.""", estimators=("classifier",)),
    Param("pretraining", "auto", [StrOptions({"auto", *PRETRAINING_OPTIONS}), None],
          _one_of(("auto", *PRETRAINING_OPTIONS), none=True), """
What ``fit`` learns from all rows, labelled and unlabelled, before
the supervised training, when it starts a new net (not on a
``warm_start`` or in ``partial_fit``); see the user guide's pretraining
page. 'auto': 'word2vec' when ``y`` has unlabelled rows (see
``unlabeled_label``) and no ``embeddings`` are given, else nothing.
'word2vec': word2vec vectors of the ids (gensim,
``pip install 'sklstm[vectors]'``) start the embedding table (instead
of ``embeddings``; ``freeze_embeddings`` keeps them fixed); on IMDB the
better and five times cheaper of the two. 'lm': the embedding and the
LSTM are trained as a language model (forward: the next token;
backward: the previous one), then start the classifier; of a
bidirectional stack only the first layer, and not with
``conv_filters``. None: no pretraining (unlabelled rows are then left
out, with a warning).

.. versionchanged:: 1.0.0
   The default was None, which left unlabelled rows out unless
   ``pretraining`` was set.""", estimators=("classifier",), added="0.2.0", before=None),
    Param("pretraining_epochs", None, [_positive(), None], "int or None", """
Passes of the pretraining over all rows; None: 1 for 'lm', 5 for
'word2vec'.""", estimators=("classifier",)),
    Param("memory", None, [str, os.PathLike, HasMethods(["cache"]), None],
          "str, path-like, joblib.Memory or None", """
Cache of the pretraining (a folder, or a ``joblib.Memory``), as
``Pipeline(memory=...)`` caches transformers: keyed by the ids of
all rows, ``pretraining``, ``pretraining_epochs``, ``random_state``
and what shapes the encoder (``vocab_size``, ``embedding_dim``,
``hidden_size``, ``num_layers``, ``bidirectional``, ``embeddings``),
not by the parameters of the supervised training (``lr``,
``dropout``, ``pooling``, ``max_epochs``, ...). A grid search over
those pretrains once per fold. With ``random_state=None`` a cached
result is reused as it is. Not saved by :func:`sklstm.save`.""",
          estimators=("classifier",), fingerprint=False),
    Param("bag_ngrams", {"classifier": 2, "regressor": None},
          [_positive(), None], "int or None", {
              "classifier": """
Adds to the LSTM's logits those of a linear model of the text's
n-grams of up to this many tokens, trained with it (a wide-and-deep
net, :class:`~sklstm.lstm.BagOfNgrams`): unigrams by id, longer
n-grams hashed into 2**20 buckets, as fastText does. On a few
thousand texts this linear part is what TF-IDF + logistic regression
has over a lone LSTM (figures: the user guide, Model options).
None: the LSTM alone (as in sklstm 0.2.0, and in models saved by it).""",
              "regressor": """
If set, a linear model of the text's n-grams of up to this many
tokens adds its output to the LSTM's, trained with it (see
:class:`~sklstm.LSTMClassifier`, where it is on by default; for
regression it is not yet measured, so off)."""},
          module=True, added="0.3.0", before=None),
    Param("bag_prior", "naive_bayes", [StrOptions({"naive_bayes"}), None],
          "{'naive_bayes'} or None", """
With 'naive_bayes', each n-gram's weights in the bag are multiplied by
its naive-Bayes log-count ratio for each class (one class against the
rest), counted on the training rows before the first epoch, as NB-SVM
scales its features: n-grams that tell the classes apart learn fast,
the others hardly move, and n-grams absent from the training rows
stay at zero. None: plain weights, as in sklstm 0.3.0 (and in models
saved by it). No effect without ``bag_ngrams``; a net started by
:meth:`partial_fit` keeps plain weights (its first rows are too few
to count on).""", estimators=("classifier",), added="0.4.0", before=None),
)


def _params(kind):
    return [p for p in PARAMS if kind in p.estimators]


def signature_names(kind):
    """The names of the parameters of the estimators of ``kind``, in their signature's order."""
    return [p.name for p in _params(kind)]


def constraints(kind):
    """``_parameter_constraints`` of the estimators of ``kind``: name -> constraint list."""
    return {p.name: p.constraints for p in _params(kind)}


def docstring(kind, template):
    """``template`` with ``{parameters}`` replaced by the parameter entries of ``kind``."""
    entries = "\n".join(p.doc_for(kind) for p in _params(kind))
    indented = "\n".join(f"    {line}" if line else "" for line in entries.split("\n"))
    return template.replace("{parameters}", indented)


def module_params(estimator):
    """``{name: value}`` of the estimator's parameters that the network module takes."""
    return {p.name: getattr(estimator, p.name) for p in PARAMS
            if p.module and hasattr(estimator, p.name)}


def fingerprint_excluded():
    """Names of the parameters that do not change what a run computes."""
    return {p.name for p in PARAMS if not p.fingerprint}


def earlier_behaviour(kind, saved):
    """The values of parameters missing from ``saved`` (the parameters of an older pickle or
    model file) that do what that sklstm did."""
    return {p.name: p.default_for(kind) if p.before is _SAME else p.before
            for p in _params(kind) if p.name not in saved}


#: The entries of the parameters both estimators share, with the same default and text:
#: what sklstm 0.x exported as ``sklstm.base.PARAMETERS_DOC`` (kept for that name only).
PARAMETERS_DOC = "\n".join(
    "\n".join(f"    {line}" if line else "" for line in p.doc_for("classifier").split("\n"))
    for p in PARAMS if p.estimators == BOTH and not isinstance(p.default, dict)
    and not isinstance(p.doc, dict)) + "\n"


def store(estimator, arguments):
    """What ``__init__`` does: set each argument of the call (``locals()``) as an attribute."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)
