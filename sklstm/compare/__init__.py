"""Is the LSTM worth it? Baselines, the comparison table, its plots and its report.

- baselines on raw texts: :func:`make_tfidf_logreg`, :func:`make_tfidf_svm`,
  :func:`make_nbsvm` and :func:`make_nblr` (with :class:`NBSVMClassifier`);
- :func:`compare` and :func:`cross_compare` fit models side by side and
  tabulate their scores and times (:class:`ComparisonResult`);
- :func:`plot_scores`, :func:`plot_training_curves`,
  :func:`plot_confusion_matrices`, :func:`plot_data_summary` draw them, and
  :func:`write_report` makes one HTML page of it all;
- :func:`training_history` and :func:`history_records` read an LSTM's epochs.
"""

from ._baselines import (
    WORD_AND_MARK_TOKENS,
    WORD_AND_PUNCT_TOKENS,
    WORD_TOKENS,
    make_nblr,
    make_nbsvm,
    make_tfidf_logreg,
    make_tfidf_svm,
    strip_html,
)
from ._comparison import ComparisonResult, compare, cross_compare
from ._history import HISTORY_KEYS, history_records, training_history
from ._nbsvm import NBSVMClassifier
from ._plots import plot_confusion_matrices, plot_data_summary, plot_scores, plot_training_curves
from ._report import build_report, write_report

__all__ = ["HISTORY_KEYS", "WORD_AND_MARK_TOKENS", "WORD_AND_PUNCT_TOKENS", "WORD_TOKENS",
           "ComparisonResult", "NBSVMClassifier", "build_report", "compare", "cross_compare",
           "history_records", "make_nblr", "make_nbsvm", "make_tfidf_logreg",
           "make_tfidf_svm", "plot_confusion_matrices", "plot_data_summary", "plot_scores",
           "plot_training_curves", "strip_html", "training_history", "write_report"]
