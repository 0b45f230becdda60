"""Validation of a fixed token vocabulary (token -> id).

:class:`~sklstm.TextTokenizer` (its ``vocabulary`` parameter) and
:meth:`sklstm.WordVectors.align` accept the same two forms of vocabulary
and check them here:

- a mapping of token to id, such as a fitted tokenizer's ``vocabulary_``,
  whose ids are ``0 .. n - 1`` with the reserved tokens at their ids; or,
  when it holds none of the reserved tokens, ``2 .. n + 1``;
- a sequence of distinct tokens, a token's id being its position; the
  reserved tokens either come first, in order, or are left out (and then
  added in front).

It also defines the reserved tokens and their ids, which the tokenizer,
word vectors and the network agree on.
"""

from collections.abc import Mapping
from numbers import Integral

from .validation import index_distinct_strings, short_repr

__all__ = ["PAD_ID", "PAD_TOKEN", "RESERVED_TOKENS", "UNK_ID", "UNK_TOKEN", "check_vocabulary"]

PAD_TOKEN = "<pad>"
UNK_TOKEN = "<unk>"
PAD_ID = 0
UNK_ID = 1
RESERVED_TOKENS = (PAD_TOKEN, UNK_TOKEN)


def _tokens_from_mapping(vocabulary, reserved, name):
    by_id = {}
    for token, idx in vocabulary.items():
        if not isinstance(token, str):
            raise TypeError(f"{name} tokens must be str; got {type(token).__name__} "
                            f"({short_repr(token)})")
        if isinstance(idx, bool) or not isinstance(idx, Integral):
            raise TypeError(f"{name} ids must be integers; token {short_repr(token)} has "
                            f"{type(idx).__name__} ({short_repr(idx)})")
        idx = int(idx)
        if idx in by_id:
            raise ValueError(f"{name} gives id {idx} to both {short_repr(by_id[idx])} and "
                             f"{short_repr(token)}")
        by_id[idx] = str(token)
    present = [token for token in reserved if token in vocabulary]
    offset = 0 if present else len(reserved)
    for i, token in enumerate(reserved):
        if present and vocabulary.get(token) != i:
            where = "is missing" if token not in vocabulary else f"has id {vocabulary[token]}"
            raise ValueError(f"reserved token {token!r} {where} in {name}; it must have "
                             f"id {i} (or leave all of {list(reserved)} out)")
    n = len(by_id) + offset
    for idx in sorted(by_id):
        if not offset <= idx < n:
            raise ValueError(f"{name} ids must be {offset} .. {n - 1} without gaps; "
                             f"token {short_repr(by_id[idx])} has id {idx}")
    return [by_id[idx] for idx in range(len(reserved), n)]


def _tokens_from_sequence(vocabulary, reserved, name):
    tokens = list(vocabulary)
    seen = index_distinct_strings(tokens, what=f"{name} tokens", kind="token",
                                  where=f" in {name}")
    tokens = [str(token) for token in tokens]
    present = any(token in seen for token in reserved)
    for i, token in enumerate(reserved):
        if present and seen.get(token) != i:
            where = "is missing" if token not in seen else f"is at position {seen[token]}"
            raise ValueError(f"reserved token {token!r} {where} in {name}; it must be at "
                             f"position {i} (or leave all of {list(reserved)} out)")
    return tokens[len(reserved):] if present else tokens


def check_vocabulary(vocabulary, *, reserved, name="vocabulary"):
    """Validate a fixed vocabulary; return it as a dict of token to id.

    Parameters
    ----------
    vocabulary : mapping of str to int, or sequence of str
        The vocabulary (see the module docstring for the rules).
    reserved : sequence of str
        The reserved tokens, which get ids ``0, 1, ...`` in this order.
    name : str, default="vocabulary"
        Name used in error messages.

    Returns
    -------
    vocabulary : dict of str to int
        Token to id in the order of the ids, the reserved tokens first.

    Raises
    ------
    TypeError
        If a token is not a str or an id not an integer.
    ValueError
        If a token appears twice, two tokens share an id, the ids have gaps,
        a reserved token is misplaced, or no token is left besides the
        reserved ones; the message names the offending token or id.

    Examples
    --------
    >>> from sklstm._utils.vocabulary import check_vocabulary
    >>> check_vocabulary(["good", "bad"], reserved=["<pad>", "<unk>"])
    {'<pad>': 0, '<unk>': 1, 'good': 2, 'bad': 3}
    >>> check_vocabulary({"good": 2, "bad": 2}, reserved=["<pad>", "<unk>"])
    Traceback (most recent call last):
    ...
    ValueError: vocabulary gives id 2 to both 'good' and 'bad'
    """
    if isinstance(vocabulary, (str, bytes)):
        raise TypeError(f"{name} must be a mapping of token to id or a sequence of tokens, "
                        f"got a single {type(vocabulary).__name__}")
    if isinstance(vocabulary, Mapping):
        tokens = _tokens_from_mapping(vocabulary, reserved, name)
    else:
        try:
            iter(vocabulary)
        except TypeError:
            raise TypeError(f"{name} must be a mapping of token to id or a sequence of "
                            f"tokens, got {type(vocabulary).__name__}") from None
        tokens = _tokens_from_sequence(vocabulary, reserved, name)
    if not tokens:
        raise ValueError(f"{name} holds no tokens besides the reserved {list(reserved)}")
    return {token: i for i, token in enumerate([*reserved, *tokens])}
