# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Grid search over tokenizer and model together
#
# The pipeline takes raw texts, so `GridSearchCV` tunes the tokenizer's and the
# LSTM's parameters in one search, and each fit learns its vocabulary from its
# own training fold only.
#
# Settings from the environment: `SKLSTM_EXAMPLE_SIZE` (reviews, default
# 2000), `SKLSTM_EXAMPLE_EPOCHS` (default 4), `SKLSTM_FIGURES`, `SKLSTM_DATA`.

# %%
# %matplotlib inline
import os
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils import resample

from sklstm import LSTMClassifier, TextTokenizer
from sklstm.datasets import load_imdb

N_TRAIN = int(os.environ.get("SKLSTM_EXAMPLE_SIZE", 2000))
MAX_EPOCHS = int(os.environ.get("SKLSTM_EXAMPLE_EPOCHS", 4))
HERE = Path(__file__).parent if "__file__" in globals() else Path.cwd()
FIGURES = Path(os.environ.get("SKLSTM_FIGURES", HERE / "figures"))
FIGURES.mkdir(parents=True, exist_ok=True)

# %%
train = load_imdb("train")
texts, labels = resample(train.data, train.target, n_samples=N_TRAIN, replace=False,
                         stratify=train.target, random_state=0)

# %% [markdown]
# ## The search
#
# Inside a search, which validates by itself, the LSTM trains on all of each
# training fold for `max_epochs` epochs (`early_stopping=False,
# validation_fraction=None`). A fixed `random_state` gives every candidate the
# same start.

# %%
pipe = make_pipeline(
    TextTokenizer(max_features=10000, max_length=200),
    LSTMClassifier(embedding_dim=32, max_epochs=MAX_EPOCHS, early_stopping=False,
                   validation_fraction=None, random_state=0),
)
# Add values (e.g. "texttokenizer__max_features": [5000, 20000],
# "lstmclassifier__pooling": ["max", "attention"]) for a wider search:
# every candidate costs `cv` trainings.
grid = {
    "texttokenizer__level": ["word", "bpe"],
    "lstmclassifier__hidden_size": [16, 48],
}
search = GridSearchCV(pipe, grid, cv=2, n_jobs=1)
search.fit(texts, labels)
print("best:", search.best_params_, f"cv accuracy {search.best_score_:.3f}")

# %% [markdown]
# ## Results
#
# `n_jobs=-1` would run the fits in parallel processes; with the `dask` extra
# the same search runs on a cluster (see the user guide, "Scaling out").

# %%
results = pd.DataFrame(search.cv_results_)
columns = {f"param_{name}": name.split("__")[1] for name in grid}
results = (results.rename(columns=columns)
           .sort_values("rank_test_score")[list(columns.values())
                                           + ["mean_test_score", "std_test_score",
                                              "mean_fit_time"]])
results.round(3)

# %%
names = [", ".join(f"{name}={getattr(r, name)}" for name in columns.values())
         for r in results.itertuples()]
fig = Figure(figsize=(7, 0.45 * len(results) + 1), layout="constrained")
ax = fig.subplots()
ax.barh(names[::-1], results["mean_test_score"][::-1],
        xerr=results["std_test_score"][::-1], color="tab:blue")
ax.set_xlabel("cross-validated accuracy")
ax.set_xlim(0, 1)
ax.set_title("GridSearchCV: tokenizer and LSTM parameters")
fig.savefig(FIGURES / "03_grid_search.png", dpi=100)
fig
