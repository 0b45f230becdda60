"""Write the model files that later sklstm versions must still load.

For the sklstm it imports, this writes into ``tests/data`` (or the folder given
as the first argument):

* ``model-<version>.sklstm``: ``sklstm.save`` of a tiny fitted
  TextTokenizer + LSTMClassifier pipeline;
* ``model-<version>.pkl``: ``pickle.dumps`` (protocol 4) of the same object;
* ``regressor-<version>.sklstm`` and ``regressor-<version>.pkl``: the same for a
  TextTokenizer + LSTMRegressor pipeline, where the version has LSTMRegressor
  (0.2.0 on);
* ``model-<version>.json``: what they predict for the probe texts (the pickle
  and the model file of one version come from the same fitted object).

``tests/test_old_versions.py`` loads every one of them with the current code
and checks it predicts as then; ``tests/test_persistence.py`` checks the
``model-*.sklstm`` files too. The texts are made up here (no review text is
committed).

The files are named for the sklstm version that wrote them, and a file that is
already there is never overwritten: a rerun under an old version only adds the
files that are missing. If this fit's values differ from those already stored
in ``model-<version>.json`` (the committed 0.1.0 file was written before this
script used ``lr_schedule="cosine"``), the new pickles' values go to
``model-<version>.pkl.json`` instead, and the kept files keep their own.

The script runs unchanged on sklstm 0.1.0 to 0.4.0: it uses only sklstm.save,
sklstm.__version__, LSTMClassifier, TextTokenizer and (if present) LSTMRegressor,
and passes a parameter only where the version's estimator has it. Models are
kept tiny (each file well under 1 MB): ``bag_ngrams=1`` where the parameter
exists, as the default ``bag_ngrams=2`` of 0.3.0 on allocates 2**20 hash buckets.

How the files were written, in a clone of the repository at ``/tmp/fixtures``
where ``git worktree add --detach /tmp/sklstm-<version> <rev>`` had checked out
each version (the script prints ``sklstm.__file__`` to show which one ran)::

    cd /tmp/fixtures

    # 0.1.0 (rev 155a208^ = 223964f); model-0.1.0.sklstm/.json were kept as
    # committed, this run added model-0.1.0.pkl and model-0.1.0.pkl.json
    PYTHONPATH=/tmp/sklstm-0.1.0 /work/main/.venv/bin/python tests/data/make_model_files.py
    # 0.2.0 (rev 2f4eca3^ = 97b082d)
    PYTHONPATH=/tmp/sklstm-0.2.0 /work/main/.venv/bin/python tests/data/make_model_files.py
    # 0.3.0 (rev 5edaffb^ = 2ef6219)
    PYTHONPATH=/tmp/sklstm-0.3.0 /work/main/.venv/bin/python tests/data/make_model_files.py
    # 0.4.0 (rev 6c7be94)
    PYTHONPATH=/tmp/sklstm-0.4.0 /work/main/.venv/bin/python tests/data/make_model_files.py
    # 1.0.0: from the checkout itself
    .venv/bin/python tests/data/make_model_files.py

(torch 2.13.0 CPU; the first model-0.1.0 files came from this script's first
form, ``python tests/data/make_model_files.py``, under sklstm 0.1.0.)
"""

import json
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

from sklearn.pipeline import make_pipeline

import sklstm
from sklstm import LSTMClassifier, TextTokenizer

HERE = Path(__file__).resolve().parent

TEXTS = ["a great film", "loved it", "what a bore", "awful film", "great acting",
         "a bore and awful", "loved the film", "awful acting"] * 4
LABELS = ["pos", "pos", "neg", "neg", "pos", "neg", "pos", "neg"] * 4
SCORES = [8.5, 9.0, 2.0, 1.5, 7.5, 1.0, 9.5, 2.5] * 4
PROBE = ["a great film", "awful acting", "unseen words only", ""]
PICKLE_PROTOCOL = 4


def _supported(estimator_class, **params):
    """``estimator_class(**params)``, leaving out the parameters this version lacks."""
    known = estimator_class().get_params()
    return estimator_class(**{name: value for name, value in params.items() if name in known})


def _common():
    return dict(hidden_size=8, embedding_dim=8, max_epochs=3, early_stopping=False,
                validation_fraction=None, random_state=0, device="cpu",
                lr_schedule="cosine", bag_ngrams=1)


def _write(out, name, data):
    (out / name).write_bytes(data)
    return name


def write_files(out):
    """Fit, save, pickle and describe the models of this version in ``out``; returns the names."""
    version = sklstm.__version__
    written = []
    classifier = make_pipeline(
        TextTokenizer(min_frequency=1),
        _supported(LSTMClassifier, class_weight="balanced", pooling="attention", **_common()),
    ).fit(TEXTS, LABELS)
    stem = f"model-{version}"
    sklstm.save(classifier, out / f"{stem}.sklstm")
    written.append(f"{stem}.sklstm")
    written.append(_write(out, f"{stem}.pkl", pickle.dumps(classifier, protocol=PICKLE_PROTOCOL)))
    expected = {
        "sklstm_version": version,
        "probe": PROBE,
        "classes": classifier.classes_.tolist(),
        "predict_proba": classifier.predict_proba(PROBE).tolist(),
        "ids": classifier[0].transform(PROBE).tolist(),
        "n_epochs": len(classifier[-1].history_),
    }
    if hasattr(sklstm, "LSTMRegressor"):
        regressor = make_pipeline(
            TextTokenizer(min_frequency=1),
            _supported(sklstm.LSTMRegressor, **_common()),
        ).fit(TEXTS, SCORES)
        sklstm.save(regressor, out / f"regressor-{version}.sklstm")
        written.append(f"regressor-{version}.sklstm")
        written.append(_write(out, f"regressor-{version}.pkl",
                              pickle.dumps(regressor, protocol=PICKLE_PROTOCOL)))
        expected["regressor"] = {
            "predict": regressor.predict(PROBE).tolist(),
            "ids": regressor[0].transform(PROBE).tolist(),
            "n_epochs": len(regressor[-1].history_),
        }
    written.append(_write(out, f"{stem}.json", (json.dumps(expected, indent=1) + "\n").encode()))
    return written


def _same_values(old, new):
    keys = ("probe", "classes", "predict_proba", "ids", "n_epochs")
    return all(old.get(key) == new.get(key) for key in keys)


def main(out=HERE):
    out = Path(out)
    print(f"sklstm {sklstm.__version__} from {sklstm.__file__}")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        names = write_files(scratch)
        json_name = f"model-{sklstm.__version__}.json"
        kept_json = out / json_name
        if kept_json.exists():
            old = json.loads(kept_json.read_text())
            new = json.loads((scratch / json_name).read_text())
            if not _same_values(old, new):
                # The kept .sklstm/.json describe an earlier fit; the new pickles get their own.
                (scratch / json_name).rename(scratch / f"model-{sklstm.__version__}.pkl.json")
                names[names.index(json_name)] = f"model-{sklstm.__version__}.pkl.json"
                if (out / f"model-{sklstm.__version__}.sklstm").exists():
                    names.remove(f"model-{sklstm.__version__}.sklstm")  # belongs to the old json
                print(f"{json_name} is kept: this fit predicts otherwise, see the .pkl.json")
        for name in names:
            if (out / name).exists():
                print(f"kept {name} (never overwritten)")
            else:
                shutil.copyfile(scratch / name, out / name)
                print(f"wrote {name} ({(out / name).stat().st_size} bytes)")


if __name__ == "__main__":
    main(*sys.argv[1:])
