"""Texts to token ids: :class:`TextTokenizer` and the ids every vocabulary reserves.

:class:`TextTokenizer` learns a vocabulary (word, BPE, WordPiece, unigram or
character level, on Hugging Face ``tokenizers``) and maps texts to a
right-padded matrix of ids; :func:`check_texts` is its check of "a list of
texts". ``PAD_ID`` (``"<pad>"``) pads rows, ``UNK_ID`` (``"<unk>"``) stands
for every token outside the vocabulary; :data:`LEVELS` names the levels.
"""

from ._encoding import LEVELS
from ._tokenizer import PAD_ID, PAD_TOKEN, UNK_ID, UNK_TOKEN, TextTokenizer, check_texts

__all__ = ["LEVELS", "PAD_ID", "PAD_TOKEN", "UNK_ID", "UNK_TOKEN", "TextTokenizer",
           "check_texts"]
