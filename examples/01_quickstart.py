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
# # Quick start: an LSTM text classifier in a scikit-learn pipeline
#
# `TextTokenizer` turns raw texts into a padded matrix of token ids and
# `LSTMClassifier` learns from it. Together they form an ordinary scikit-learn
# pipeline, here trained on a subset of the IMDB movie reviews.
#
# Settings from the environment: `SKLSTM_EXAMPLE_SIZE` (training reviews,
# default 2000), `SKLSTM_EXAMPLE_EPOCHS` (default 4), `SKLSTM_FIGURES` (where
# the PNG figures go, default `examples/figures/`), `SKLSTM_DATA` (the folder
# with the IMDB archive).

# %%
# %matplotlib inline
import os
from pathlib import Path

from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.utils import resample

from sklstm import LSTMClassifier, TextTokenizer
from sklstm.compare import plot_training_curves
from sklstm.datasets import load_imdb

N_TRAIN = int(os.environ.get("SKLSTM_EXAMPLE_SIZE", 2000))
MAX_EPOCHS = int(os.environ.get("SKLSTM_EXAMPLE_EPOCHS", 4))
HERE = Path(__file__).parent if "__file__" in globals() else Path.cwd()
FIGURES = Path(os.environ.get("SKLSTM_FIGURES", HERE / "figures"))
FIGURES.mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## Data
#
# A stratified random sample of the 25,000 training and 25,000 test reviews;
# labels are 0 (negative) and 1 (positive).

# %%
train, test = load_imdb("train"), load_imdb("test")
X_train, y_train = resample(train.data, train.target, n_samples=N_TRAIN, replace=False,
                            stratify=train.target, random_state=0)
X_test, y_test = resample(test.data, test.target, n_samples=N_TRAIN, replace=False,
                          stratify=test.target, random_state=0)
print(f"{len(X_train)} training and {len(X_test)} test reviews")
print(X_train[0][:300], "...")

# %% [markdown]
# ## The pipeline
#
# In a notebook, the pipeline displays as a diagram (click a step to see its
# parameters).

# %%
pipe = make_pipeline(
    TextTokenizer(max_features=10000, max_length=300),
    LSTMClassifier(embedding_dim=64, hidden_size=64, max_epochs=MAX_EPOCHS,
                   early_stopping=False, random_state=0, verbose=1),
)
pipe

# %% [markdown]
# ## Training
#
# `verbose=1` prints one line per epoch and shows a progress bar of the
# batches. A stratified 10% of the training reviews is held out to report the
# validation loss and accuracy.

# %%
pipe.fit(X_train, y_train)

# %%
y_pred = pipe.predict(X_test)
print(f"test accuracy: {accuracy_score(y_test, y_pred):.3f}")

# %%
reviews = ["One of the best films I have seen this year, moving and funny.",
           "A dull, badly acted mess. I want my two hours back."]
for review, proba in zip(reviews, pipe.predict_proba(reviews), strict=True):
    print(f"P(positive) = {proba[1]:.2f}  {review}")

# %% [markdown]
# What the LSTM reads: the tokens of the first review, as the tokenizer saw it
# (`<unk>` marks words outside the vocabulary).

# %%
tokenizer = pipe.named_steps["texttokenizer"]
print(tokenizer.vocab_size_, "ids in the vocabulary")
print(tokenizer.inverse_transform(tokenizer.transform(reviews[:1]))[0])

# %% [markdown]
# ## Training curves

# %%
# The figure is saved as a PNG; as the last expression of a cell it also displays.
plot_training_curves(pipe, path=FIGURES / "01_training_curves.png")
