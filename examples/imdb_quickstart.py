"""LSTM versus TF-IDF on a subset of IMDB, in a few minutes on a laptop.

Run from the repository root (the IMDB archive is looked up in $SKLSTM_DATA,
else ~/sklstm_data, and downloaded there when missing):

    python examples/imdb_quickstart.py --train-size 2000 --test-size 2000

The full comparison on all 25k + 25k reviews is ``sklstm compare --dataset imdb``.
"""

import argparse

from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklstm import LSTMClassifier, TextTokenizer
from sklstm.compare import compare, make_tfidf_logreg
from sklstm.datasets import load_imdb


def subset(bunch, n, seed=0):
    """A stratified random subset of n reviews and their labels."""
    texts, labels = bunch.data, bunch.target
    if n < len(labels):
        texts, _, labels, _ = train_test_split(texts, labels, train_size=n, stratify=labels,
                                               random_state=seed)
    return texts, labels


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-size", type=int, default=2000)
    parser.add_argument("--test-size", type=int, default=2000)
    parser.add_argument("--max-epochs", type=int, default=4)
    args = parser.parse_args(argv)

    X_train, y_train = subset(load_imdb("train"), args.train_size)
    X_test, y_test = subset(load_imdb("test"), args.test_size)
    models = {
        "tfidf_logreg": make_tfidf_logreg(),
        "lstm": make_pipeline(
            TextTokenizer(max_features=20000, max_length=400),
            LSTMClassifier(max_epochs=args.max_epochs, random_state=0, verbose=1),
        ),
    }
    table = compare(models, X_train, y_train, X_test, y_test)
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    return table


if __name__ == "__main__":
    main()
