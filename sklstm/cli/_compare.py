"""``sklstm compare``: the TF-IDF baselines and the LSTM side by side, and the report."""

from pathlib import Path

import numpy as np

from ..compare import (
    compare,
    cross_compare,
    history_records,
    make_nblr,
    make_nbsvm,
    make_tfidf_logreg,
    make_tfidf_svm,
    plot_confusion_matrices,
    plot_scores,
    plot_training_curves,
    write_report,
)
from ..explain import confident_predictions, explain
from ._common import (
    CommandError,
    add_data_options,
    check_unlabeled_options,
    environment,
    fitted_pipeline,
    fraction,
    learn_from_unlabeled,
    log,
    lstm_pipeline,
    positive_int,
    write_json,
)
from ._data import held_out_split, training_data, unlabeled_texts

# The models whose explanations the report shows beside the LSTM's, by occlusion.
_EXPLAINED_BESIDE = ("tfidf_logreg", "nblr")


def _models(args):
    """The models to compare, by name: the baselines and the LSTM pipeline (or ``--models``)."""
    models = {
        "tfidf_logreg": make_tfidf_logreg(),
        "tfidf_svm": make_tfidf_svm(),
        "nbsvm": make_nbsvm(),
        "nblr": make_nblr(),
        "lstm": lstm_pipeline(args),
    }
    if args.models:
        unknown = sorted(set(args.models) - set(models))
        if unknown:
            raise CommandError(f"unknown model(s) {', '.join(unknown)}; "
                               f"available: {', '.join(models)}")
        models = {name: models[name] for name in args.models}
    return models


def run(args):
    """Compare the models, print the table, write the plots, results.json and report.html."""
    if args.cv is not None and (args.test is not None or args.test_fraction is not None):
        raise CommandError("--cv, --test and --test-fraction are alternatives: give one")
    check_unlabeled_options(args)
    models = _models(args)
    train = training_data(args)
    unlabeled = unlabeled_texts(args)
    if unlabeled is not None and "lstm" in models:
        models["lstm"] = learn_from_unlabeled(models["lstm"], train.labels, args)
    if args.cv is not None:
        if args.data is None:
            raise CommandError("--cv needs a DATA file (IMDB has its own test part)")
        log(f"cross-validating {', '.join(models)} on {len(train.texts)} texts "
            f"({args.cv} folds)")
        table, fitted, predictions = cross_compare(
            models, train.texts, train.labels, cv=args.cv, random_state=args.seed,
            verbose=True, return_estimators=True, X_unlabeled=unlabeled)
        test = train._replace(name=f"{train.name} (out-of-fold)")
    else:
        train, test = held_out_split(args, train)
        log(f"comparing {', '.join(models)} on {len(train.texts)} training and "
            f"{len(test.texts)} test texts")
        table, fitted, predictions = compare(
            models, train.texts, train.labels, test.texts, test.labels,
            verbose=True, return_estimators=True, X_unlabeled=unlabeled)
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    fitted = {name: fitted_pipeline(model) for name, model in fitted.items()}

    out = Path(args.out)
    figures = {
        "scores.png": lambda path: plot_scores(table, path=path),
        "confusion_matrices.png": lambda path: plot_confusion_matrices(
            test.labels, predictions, path=path),
    }
    if "lstm" in fitted:
        figures["training_curves.png"] = lambda path: plot_training_curves(
            fitted["lstm"], path=path)
    for name, plot in figures.items():
        plot(out / name)
    machine = environment()
    report = {
        "dataset": args.dataset if args.data is None else str(args.data),
        "text_columns": train.text_columns, "label_column": train.label_column,
        "evaluation": (f"{args.cv}-fold cross-validation" if args.cv is not None
                       else f"test set: {test.name}"),
        "n_train": len(train.texts),
        "n_test": len(test.texts),
        "seed": args.seed,
        "results": table.reset_index().to_dict(orient="records"),
        "lstm_history": history_records(fitted["lstm"]) if "lstm" in fitted else [],
        "environment": machine,
    }
    write_json(out / "results.json", report)
    explained = _explained_predictions(fitted, test) if args.cv is None else None
    write_report(out / "report.html", table=table, y_test=test.labels,
                 predictions=predictions, estimators=fitted, train_texts=train.texts,
                 train_labels=train.labels, environment=machine, explanations=explained,
                 title=f"sklstm compare: {report['dataset']}",
                 subtitle=f"{len(train.texts)} training texts; {report['evaluation']} "
                          f"({len(test.texts)} texts)")
    log(f"wrote {', '.join(sorted(figures))}, results.json and report.html to {out}")
    return 0


def _explained_predictions(fitted, test, n=3):
    """The report's explained test texts: the LSTM's most confident right and wrong ones.

    Each is explained by integrated gradients for the LSTM and by occlusion
    for the first TF-IDF model compared beside it; None without an LSTM.
    """
    lstm = fitted.get("lstm")
    if lstm is None:
        return None
    right, wrong = confident_predictions(lstm, test.texts, test.labels, n=n)
    rows = [*right, *wrong]
    if not rows:
        return None
    texts = [test.texts[i] for i in rows]
    sides = [("lstm (integrated gradients)", explain(lstm, texts))]
    beside = next((name for name in _EXPLAINED_BESIDE if name in fitted), None)
    if beside is not None:
        sides.append((f"{beside} (occlusion)", explain(fitted[beside], texts,
                                                        method="occlusion")))
    labels = np.asarray(test.labels)
    explained = []
    for k, i in enumerate(rows):
        kind = "most confident right" if k < len(right) else "most confident wrong"
        explained.append((f"{kind}: test text {i} (true label {labels[i]!r})",
                          [(name, explanations[k]) for name, explanations in sides]))
    return explained


def add_parser(subparsers):
    """The ``compare`` command's options."""
    p = subparsers.add_parser("compare", help="compare the LSTM with TF-IDF baselines")
    add_data_options(p)
    split = p.add_argument_group("evaluation (one of; default: IMDB's test part, or a "
                                 "0.2 held-out fraction of DATA)")
    split.add_argument("--test", default=None, metavar="TEST_FILE",
                       help="score on this file (same columns as DATA)")
    split.add_argument("--test-fraction", type=fraction, default=None, metavar="F",
                       help="hold out this stratified fraction of DATA as the test set")
    split.add_argument("--cv", type=positive_int, default=None, metavar="K",
                       help="K-fold cross-validation on DATA (out-of-fold predictions)")
    p.add_argument("--test-size", type=positive_int, default=None,
                   help="use a stratified random subset of this many test texts")
    p.add_argument("--models", type=lambda s: [m for m in s.split(",") if m], default=None,
                   help="comma-separated subset of tfidf_logreg,tfidf_svm,nbsvm,nblr,lstm")
    p.add_argument("--out", default="sklstm-results",
                   help="output folder for report.html, plots and JSON")
    p.set_defaults(func=run)

