"""``sklstm explain``: each token of some texts with its weight for a saved model's prediction."""

import sys

from ..explain import METHODS, explain
from ._common import CommandError, message, positive_int, read_model


def run(args):
    """Print each token of the texts with its weight, by the chosen method."""
    model, _ = read_model(args.model)
    texts = args.texts
    if not texts or texts == ["-"]:
        texts = [line.rstrip("\r\n") for line in sys.stdin]
        if not texts:
            raise CommandError("no texts to explain: give them as arguments, or one a line "
                               "on stdin")
    try:
        # An unknown --class raises in to_text, before anything is printed.
        print(explain(model, texts, method=args.method).to_text(column=args.column,
                                                                top=args.top))
    except ValueError as exc:
        raise CommandError(message(exc)) from None
    return 0


def add_parser(subparsers):
    """The ``explain`` command's options."""
    p = subparsers.add_parser("explain", help="print each token of a text with its weight for "
                                              "the model's prediction")
    p.add_argument("model", metavar="MODEL", help="a model file (or folder) written by "
                                                  "`sklstm train`")
    p.add_argument("texts", nargs="*", metavar="TEXT",
                   help="texts to explain; none or '-': one text a line from stdin")
    p.add_argument("--method", default="integrated_gradients", choices=tuple(METHODS),
                   help="how the weights are computed (default: integrated_gradients; "
                        "attention needs a model trained with attention pooling)")
    p.add_argument("--top", type=positive_int, default=None, metavar="K",
                   help="only the K tokens of largest absolute weight, largest first "
                        "(default: every token, in order)")
    p.add_argument("--class", dest="column", default=None, metavar="CLASS",
                   help="the class whose weights to print (default: the predicted one)")
    p.set_defaults(func=run)

