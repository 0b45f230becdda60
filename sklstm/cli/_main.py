"""The ``sklstm`` command line: compare, train and predict on your data or IMDB.

``sklstm compare DATA`` fits the TF-IDF baselines and the LSTM pipeline on a
data file (CSV, TSV, JSON Lines, Parquet or a folder of class folders, read
by :mod:`sklstm.datasets`) or on IMDB, scores them on a test file, a held-out
fraction or by cross-validation, prints the table and writes ``report.html``
(:mod:`sklstm.compare`), plots and a JSON of every figure. ``sklstm train``
fits the LSTM pipeline and saves it to a model file; ``sklstm predict``
streams a data file through it and writes the predictions beside the input's
other columns, or reads one text a line and writes the label and its
probability a line. ``sklstm explain`` prints, for a saved model and some
texts, each token with its weight for the predicted class
(:mod:`sklstm.explain`).

Errors a user can fix (missing data, unreadable files, empty input) end the
program with a one-line message and exit status 1; Ctrl-C ends it with
status 130 and leaves no half-written file behind.
"""

import argparse
import os
import sys

from . import _compare, _explain, _predict, _train
from ._common import CommandError

__all__ = ["build_parser", "main"]


def build_parser():
    """The argument parser of the ``sklstm`` command."""
    parser = argparse.ArgumentParser(prog="sklstm", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for command in (_compare, _train, _predict, _explain):
        command.add_parser(sub)
    return parser


def main(argv=None):
    """Run the ``sklstm`` command; return its exit status.

    Parameters
    ----------
    argv : list of str or None
        Arguments; None reads ``sys.argv``.

    Returns
    -------
    status : int
        0 on success, 1 on a user error, 130 on Ctrl-C.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"sklstm: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sklstm: interrupted; no partial output was kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
