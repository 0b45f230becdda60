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
# # Why did it predict that? An LSTM and TF-IDF, explained side by side
#
# `sklstm.explain.explain` gives one weight per token and class: how much the
# token pushed the model towards the class. Integrated gradients and
# attention look inside the LSTM; occlusion (leave each word out and watch
# the probability) works for any model on raw texts, so the same call explains
# the TF-IDF baseline too.
#
# Settings from the environment: `SKLSTM_EXAMPLE_SIZE` (training reviews,
# default 2000), `SKLSTM_EXAMPLE_EPOCHS` (default 4), `SKLSTM_FIGURES`
# (default `examples/figures/`), `SKLSTM_DATA`.

# %%
# %matplotlib inline
import os
from pathlib import Path

import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.utils import resample

from sklstm import LSTMClassifier, TextTokenizer
from sklstm.compare import make_tfidf_logreg
from sklstm.datasets import load_imdb
from sklstm.explain import explain, explanations_html

N_TRAIN = int(os.environ.get("SKLSTM_EXAMPLE_SIZE", 2000))
MAX_EPOCHS = int(os.environ.get("SKLSTM_EXAMPLE_EPOCHS", 4))
HERE = Path(__file__).parent if "__file__" in globals() else Path.cwd()
FIGURES = Path(os.environ.get("SKLSTM_FIGURES", HERE / "figures"))
FIGURES.mkdir(parents=True, exist_ok=True)

# %%
train, test = load_imdb("train"), load_imdb("test")
names = np.array(train.target_names)  # ['neg', 'pos']
X_train, y_train = resample(train.data, names[train.target], n_samples=N_TRAIN,
                            replace=False, stratify=train.target, random_state=0)
# A few short test reviews, so that the explanations fit on the screen.
short = np.argsort([len(text) for text in test.data], kind="stable")[:200]
picked = np.random.default_rng(0).choice(short, 4, replace=False)
X_few = [test.data[i] for i in picked]
y_few = [names[test.target[i]] for i in picked]

# %% [markdown]
# ## Two models on the same reviews
#
# The LSTM pools with attention, so that all three methods apply to it.

# %%
lstm = make_pipeline(
    TextTokenizer(max_features=10000, max_length=300),
    LSTMClassifier(embedding_dim=64, hidden_size=64, pooling="attention",
                   max_epochs=MAX_EPOCHS, random_state=0),
).fit(X_train, y_train)
tfidf = make_tfidf_logreg().fit(X_train, y_train)

# %% [markdown]
# ## Integrated gradients
#
# Red tokens push towards the predicted class, blue ones away from it; hover a
# token to see its weight. The weights of a review sum to the change of the
# class's logit from a baseline of zero word vectors.

# %%
ig = explain(lstm, X_few)
ig

# %%
print(ig[0].to_text(top=8))
print("completeness error:", max(e.completeness_error for e in ig))

# %% [markdown]
# ## Attention and occlusion of the same LSTM

# %%
explain(lstm, X_few[:2], method="attention")

# %%
explain(lstm, X_few[:2], method="occlusion")

# %% [markdown]
# ## The TF-IDF baseline, explained the same way
#
# Occlusion cuts each word out of the raw review and measures the change in
# `predict_proba`.

# %%
explain(tfidf, X_few[:2], method="occlusion")

# %% [markdown]
# ## The words that mattered most, as a figure

# %%
ig[0].to_png(FIGURES / "05_explanation.png", top=15)

# %% [markdown]
# ## Side by side, as in the comparison report

# %%
from IPython.display import HTML  # noqa: E402

pairs = [e for text in X_few[:2] for e in (explain(lstm, [text])[0],
                                           explain(tfidf, [text], method="occlusion")[0])]
titles = [f"{model} (true: {label})" for label in y_few[:2]
          for model in ("LSTM, integrated gradients", "TF-IDF, occlusion")]
HTML(explanations_html(pairs, titles=titles))
