"""The texts and labels a command reads: a data file or IMDB, subsets and held-out parts."""

from typing import NamedTuple

import numpy as np
from sklearn.model_selection import train_test_split

from ..datasets import load_imdb, load_table
from ._common import CommandError, log, message

DATASETS = ("imdb",)


class Data(NamedTuple):
    """Texts and labels read for a command, with where they came from."""

    texts: list
    labels: object
    name: str
    text_columns: list = None
    label_column: str = None


def subsample(texts, y, n, seed):
    """A stratified random subset of ``n`` samples (all of them when n is None)."""
    if n is None or n >= len(y):
        return list(texts), np.asarray(y)
    if n < 2:
        raise CommandError(f"a subset needs at least 2 texts, got {n}")
    idx, _ = train_test_split(np.arange(len(y)), train_size=n, stratify=y, random_state=seed)
    idx = np.sort(idx)
    return [texts[i] for i in idx], np.asarray(y)[idx]


def load_imdb_data(args, subset, size):
    """A stratified subset of ``size`` texts of the named dataset's ``subset``."""
    if args.dataset not in DATASETS:
        raise CommandError(f"unknown dataset {args.dataset!r}; available: {', '.join(DATASETS)}")
    log(f"loading {args.dataset} {subset} ...")
    try:
        bunch = load_imdb(subset, data_home=args.data_home, download=not args.no_download)
    except FileNotFoundError as exc:
        raise CommandError(f"{exc}") from None
    except OSError as exc:
        raise CommandError(f"could not get the {args.dataset} data: {exc}; place "
                           "aclImdb_v1.tar.gz in the data folder (--data-home or "
                           "SKLSTM_DATA) and try again") from None
    texts, y = subsample(bunch.data, bunch.target, size, args.seed)
    names = np.asarray(bunch.target_names)
    return Data(texts, names[y], f"{args.dataset} {subset}")


def read_table(path, *, text_column, label_column, drop_missing):
    """:func:`~sklstm.datasets.load_table`, its errors turned into one-line command errors."""
    log(f"reading {path} ...")
    try:
        table = load_table(path, text_column=text_column, label_column=label_column,
                           drop_missing=drop_missing)
    except (OSError, ValueError, ImportError) as exc:
        raise CommandError(message(exc)) from None
    if table.n_dropped:
        log(f"dropped {table.n_dropped} rows of {path} without a text or label "
            "(--drop-missing)")
    return table


def load_table_data(args, path, size=None):
    """A stratified subset of ``size`` texts of a data file, with its columns' names."""
    table = read_table(path, text_column=args.text_column, label_column=args.label_column,
                       drop_missing=args.drop_missing)
    texts, y = subsample(table.data, table.target, size, args.seed)
    return Data(texts, y, str(path), table.text_columns, table.label_column)


def check_classes(data):
    """The classes of ``data``; an error where there is only one."""
    classes = np.unique(np.asarray(data.labels))
    if len(classes) < 2:
        raise CommandError(f"{data.name} holds a single class ({classes[0]!r}) in its labels; "
                           "a classifier needs at least 2")
    return classes


def unlabeled_texts(args):
    """The texts of ``--unlabeled`` (its text columns as for DATA), or None."""
    if args.unlabeled is None:
        return None
    table = read_table(args.unlabeled, text_column=args.text_column, label_column=None,
                       drop_missing=True)
    log(f"{len(table.data)} unlabelled texts from {args.unlabeled} for "
        f"{args.pretraining} pretraining")
    return table.data


def training_data(args):
    """The training texts and labels: the DATA file, or the named dataset's train part."""
    if args.data is None:
        data = load_imdb_data(args, "train", args.train_size)
    else:
        data = load_table_data(args, args.data, args.train_size)
    check_classes(data)
    return data


def held_out_split(args, train):
    """Training and test data of ``compare``: a test file, the named dataset's test part,
    or a stratified fraction of the training data."""
    if args.test is not None:
        if args.data is None:
            raise CommandError("--test needs a DATA file to train on")
        test = load_table_data(args, args.test, args.test_size)
        unseen = sorted(set(np.unique(test.labels).tolist()) - set(np.unique(train.labels)
                                                                   .tolist()), key=str)
        if unseen:
            log(f"sklstm: warning: {args.test} has labels not seen in training: "
                f"{', '.join(map(repr, unseen))}; their rows count as errors")
        return train, test
    if args.data is None and args.test_fraction is None:
        return train, load_imdb_data(args, "test", args.test_size)
    fraction = 0.2 if args.test_fraction is None else args.test_fraction
    index = np.arange(len(train.texts))
    labels = np.asarray(train.labels)
    try:
        fit_index, test_index = train_test_split(index, test_size=fraction, stratify=labels,
                                                 random_state=args.seed)
    except ValueError:  # a class too small to stratify, or a fraction too small
        try:
            fit_index, test_index = train_test_split(index, test_size=fraction,
                                                     random_state=args.seed)
        except ValueError as exc:
            raise CommandError(f"cannot hold out --test-fraction {fraction} of "
                               f"{len(index)} texts: {exc}") from None
    fit_index, test_index = np.sort(fit_index), np.sort(test_index)

    def part(rows, what):
        return train._replace(texts=[train.texts[i] for i in rows], labels=labels[rows],
                              name=f"{train.name} ({what})")

    log(f"holding out {len(test_index)} of {len(index)} texts ({fraction:g}) as the test set")
    fit = part(fit_index, "training part")
    check_classes(fit)
    return fit, part(test_index, "held-out part")
