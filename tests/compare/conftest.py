"""Fixtures of the tests of sklstm.compare."""

from typing import NamedTuple

import numpy as np
import pytest


class Reviews(NamedTuple):
    texts: list
    labels: np.ndarray
    unseen: list
    unseen_labels: list


POSITIVE = [
    "a wonderful film with great acting", "i loved every minute of it",
    "brilliant story and a superb cast", "great fun, truly wonderful",
    "an excellent and moving film", "the best movie i have seen this year",
    "superb direction and lovely music", "a delightful, charming comedy",
    "i really enjoyed this great movie", "beautiful images and a brilliant script",
    "loved the acting, loved the story", "an excellent thriller, great pace",
    "wonderful performances all round", "charming and funny, i loved it",
    "a great cast in a superb film", "truly excellent<br /><br />highly recommended",
    "brilliant, moving and beautiful", "such a lovely and delightful story",
    "great film, excellent ending", "enjoyed it, a wonderful watch",
]
NEGATIVE = [
    "a terrible film with awful acting", "i hated every minute of it",
    "boring story and a dreadful cast", "awful, truly a waste of time",
    "a dull and pointless film", "the worst movie i have seen this year",
    "poor direction and annoying music", "a stupid, tedious comedy",
    "i really disliked this bad movie", "ugly images and a terrible script",
    "hated the acting, hated the story", "a boring thriller, awful pace",
    "dreadful performances all round", "tedious and dull, i hated it",
    "a bad cast in a poor film", "truly awful<br /><br />avoid it",
    "pointless, boring and stupid", "such a dull and dreadful story",
    "bad film, terrible ending", "wasted my time, a poor watch",
]
TEXTS = POSITIVE + NEGATIVE
LABELS = np.array(["pos"] * len(POSITIVE) + ["neg"] * len(NEGATIVE))
UNSEEN = ["great and wonderful", "loved it, brilliant", "awful and boring",
          "terrible, i hated it"]
UNSEEN_LABELS = ["pos", "pos", "neg", "neg"]


@pytest.fixture
def toy_reviews():
    """Made-up positive and negative reviews (texts, labels), and four unseen ones."""
    return Reviews(TEXTS, LABELS, UNSEEN, UNSEEN_LABELS)
