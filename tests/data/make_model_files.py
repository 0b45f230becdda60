"""Write the model files that later sklstm versions must still load.

Run once per file format change (``python tests/data/make_model_files.py``);
``tests/test_persistence.py`` loads every ``model-*.sklstm`` here and checks
that it predicts the probabilities stored beside it. The texts are made up
here (no review text is committed).

The files are named for the sklstm version that wrote them, so a file kept
from an earlier version is never overwritten by a newer one.
"""

import json
from pathlib import Path

from sklearn.pipeline import make_pipeline

import sklstm
from sklstm import LSTMClassifier, TextTokenizer

HERE = Path(__file__).resolve().parent

TEXTS = ["a great film", "loved it", "what a bore", "awful film", "great acting",
         "a bore and awful", "loved the film", "awful acting"] * 4
LABELS = ["pos", "pos", "neg", "neg", "pos", "neg", "pos", "neg"] * 4
PROBE = ["a great film", "awful acting", "unseen words only", ""]


def main():
    pipe = make_pipeline(
        TextTokenizer(min_frequency=1),
        LSTMClassifier(hidden_size=8, embedding_dim=8, max_epochs=3, early_stopping=False,
                       validation_fraction=None, class_weight="balanced",
                       pooling="attention", random_state=0, device="cpu"),
    ).fit(TEXTS, LABELS)
    stem = f"model-{sklstm.__version__}"
    sklstm.save(pipe, HERE / f"{stem}.sklstm")
    expected = {
        "sklstm_version": sklstm.__version__,
        "probe": PROBE,
        "classes": pipe.classes_.tolist(),
        "predict_proba": pipe.predict_proba(PROBE).tolist(),
        "ids": pipe[0].transform(PROBE).tolist(),
        "n_epochs": len(pipe[-1].history_),
    }
    (HERE / f"{stem}.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"wrote {stem}.sklstm and {stem}.json in {HERE}")


if __name__ == "__main__":
    main()
