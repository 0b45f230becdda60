"""Tests for sklstm.lstm._params: each hyperparameter is declared once, and what is derived
from the declarations (constraints, docstrings, the network's arguments, the checkpoint's
fingerprint, the values of parameters an old model lacks) agrees with the estimators."""

import inspect
import re

import pytest
from sklearn.base import clone

from sklstm import LSTMClassifier, LSTMRegressor
from sklstm.lstm import LSTMTextModule
from sklstm.lstm._params import (
    PARAMS,
    constraints,
    docstring,
    earlier_behaviour,
    fingerprint_excluded,
    module_params,
    signature_names,
)

ESTIMATORS = {"classifier": LSTMClassifier, "regressor": LSTMRegressor}


def _signature(cls):
    return {name: p for name, p in inspect.signature(cls.__init__).parameters.items()
            if name != "self"}


@pytest.mark.parametrize("kind", sorted(ESTIMATORS))
def test_the_explicit_signature_matches_the_declarations(kind):
    cls = ESTIMATORS[kind]
    signature = _signature(cls)
    assert list(signature) == signature_names(kind), "same names, in the same order"
    assert all(p.kind == p.KEYWORD_ONLY for p in signature.values())
    for param in PARAMS:
        if kind in param.estimators:
            assert signature[param.name].default == param.default_for(kind), param.name


@pytest.mark.parametrize("kind", sorted(ESTIMATORS))
def test_init_stores_every_argument_and_nothing_else(kind):
    cls = ESTIMATORS[kind]
    values = {name: f"value of {name}" for name in _signature(cls)}
    estimator = cls(**values)
    assert vars(estimator) == values
    assert cls().get_params() == {name: p.default for name, p in _signature(cls).items()}
    assert clone(estimator).get_params() == values


@pytest.mark.parametrize("kind", sorted(ESTIMATORS))
def test_constraints_and_docstring_come_from_the_declarations(kind):
    cls = ESTIMATORS[kind]
    assert cls._parameter_constraints == constraints(kind)
    assert list(cls._parameter_constraints) == signature_names(kind)
    section = cls.__doc__.split("Parameters\n    ----------\n")[1].split("\n    Attributes")[0]
    entries = re.findall(r"^    (\w+) : ", section, flags=re.M)
    assert entries == signature_names(kind)
    assert f"    bag_ngrams : int or None, default={cls().bag_ngrams!r}" in section
    assert "{parameters}" not in cls.__doc__


def test_an_entry_renders_as_numpydoc():
    template = "Parameters\n----------\n{parameters}\n"
    rendered = docstring("regressor", template)
    assert "    loss : {'squared_error', 'huber'}, default='squared_error'\n" in rendered
    assert "        The training loss" in rendered
    assert "threshold" not in rendered  # a classifier's parameter only
    assert "        .. versionadded:: 0.3.0" in rendered  # bag_ngrams


def test_module_params_are_arguments_of_the_network():
    network = inspect.signature(LSTMTextModule.__init__).parameters
    declared = {p.name for p in PARAMS if p.module}
    assert declared <= set(network)
    estimator = LSTMClassifier(hidden_size=7, bag_ngrams=3)
    params = module_params(estimator)
    assert set(params) == declared and params["hidden_size"] == 7 and params["bag_ngrams"] == 3


def test_fingerprint_leaves_out_what_does_not_change_a_run():
    assert fingerprint_excluded() == {"verbose", "callbacks", "checkpoint_dir", "device",
                                      "memory"}


def test_a_model_saved_before_a_parameter_gets_its_earlier_behaviour():
    saved = {name: None for name in signature_names("classifier")}
    for name in ("bag_ngrams", "bag_prior", "pretraining", "hidden_size"):
        del saved[name]
    earlier = earlier_behaviour("classifier", saved)
    # bag_ngrams and bag_prior came in 0.3.0 and 0.4.0: older models lack them;
    # pretraining was off before 0.2.0; hidden_size's default did what it always did.
    assert earlier == {"bag_ngrams": None, "bag_prior": None, "pretraining": None,
                       "hidden_size": 128}
    assert earlier_behaviour("regressor", {"loss": "huber"})["bag_ngrams"] is None


def test_declarations_are_consistent():
    names = [p.name for p in PARAMS]
    assert len(names) == len(set(names)), "a parameter is declared twice"
    for param in PARAMS:
        assert set(param.estimators) <= set(ESTIMATORS), param.name
        assert param.doc_for(param.estimators[0]).startswith(f"{param.name} : {param.type}")
        if isinstance(param.default, dict):
            assert set(param.default) == set(param.estimators), param.name


def test_the_one_cycle_recipe_is_opt_in_and_the_training_defaults_are_1_0s():
    # The recipe of the performance guide lost half a point on all IMDB reviews: not a default.
    for est in (LSTMClassifier(), LSTMRegressor()):
        assert (est.lr, est.lr_schedule, est.max_epochs, est.precision) == \
            (2e-3, None, 10, "float32")
    recipe = LSTMClassifier(lr_schedule="onecycle", lr=6e-3, max_epochs="auto", precision="auto")
    assert clone(recipe).get_params()["max_epochs"] == "auto"
    entry = LSTMClassifier.__doc__.split("\n    max_epochs : ")[1].split("\n    clip_grad")[0]
    assert entry.startswith("int or 'auto', default=10") and "new in\n        1.1.0" in entry
