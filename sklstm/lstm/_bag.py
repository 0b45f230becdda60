"""The wide part beside the LSTM: :class:`BagOfNgrams`, a linear model of hashed n-grams.

Its logits are added to the LSTM's (a wide-and-deep net); its rows can be
scaled by naive-Bayes log-count ratios counted on the training texts, as
NB-SVM scales its features.
"""

import torch
from torch import nn

__all__ = ["BagOfNgrams"]


class BagOfNgrams(nn.Module):
    """A linear model of a text's hashed n-grams: the 'wide' part of a wide-and-deep net.

    Each unigram id has a row of ``num_classes`` weights, and so has each
    hashed bucket of the longer n-grams (of up to ``max_n`` consecutive ids,
    as fastText hashes word n-grams). A text's logits are the sum of its
    n-grams' rows divided by the square root of their number (as an
    L2-normalised count vector weighs them), times ``scale``. The tables
    start at zero, so an untrained bag adds nothing.

    With ``prior=True`` each n-gram's row is multiplied, weight by weight,
    by a fixed factor: its naive-Bayes log-count ratio for each class, set
    by :meth:`fit_prior` from the training texts (1 until then). This is
    how NB-SVM (Wang and Manning, 2012) scales its features: n-grams that
    tell the classes apart get weights that move fast, n-grams found as
    often in each class hardly move, which is what a linear model of a few
    thousand texts needs.

    :meth:`contributions` splits these logits over the tokens (each n-gram's
    row shared equally among its tokens), which is what lets integrated
    gradients attribute them exactly.

    Parameters
    ----------
    num_embeddings : int
        Vocabulary size; ids at or beyond it must already be replaced.
    num_classes : int
        Number of output logits.
    max_n : int, default=2
        Longest n-gram, at least 1 (unigrams only).
    n_buckets : int, default=2**20
        Hash buckets shared by all n-grams longer than one id.
    scale : float, default=10.0
        Factor on the tables' weights: an optimiser's steps on them move the
        logits ``scale`` times as fast, as a linear model over the whole text
        needs large weights on each of its rare n-grams.
    padding_idx : int, default=0
        Id of padding, part of no n-gram.
    prior : bool, default=False
        Whether the rows are scaled by the fixed factors ``unigram_prior``
        and ``ngram_prior`` (buffers of the tables' shapes, saved with the
        weights), which :meth:`fit_prior` sets.

    Examples
    --------
    >>> import torch
    >>> from sklstm.lstm import BagOfNgrams
    >>> bag = BagOfNgrams(num_embeddings=10, num_classes=2, n_buckets=64, prior=True)
    >>> X = torch.tensor([[2, 3, 4], [5, 0, 0]])
    >>> _ = bag.fit_prior(X, torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
    >>> bool(bag.unigram_prior[2, 0] > 0 > bag.unigram_prior[2, 1])
    True
    >>> bag(X).shape, bag.contributions(X).shape
    (torch.Size([2, 2]), torch.Size([2, 3, 2]))
    """

    # The polynomial hash of an n-gram's ids: (code * _BASE + id) mod _MODULUS.
    _BASE, _MODULUS = 1_000_003, 2_147_483_647

    def __init__(self, *, num_embeddings, num_classes, max_n=2, n_buckets=2**20, scale=10.0,
                 padding_idx=0, prior=False):
        super().__init__()
        if max_n < 1 or n_buckets < 1:
            raise ValueError(f"max_n and n_buckets must be >= 1, got {max_n} and {n_buckets}")
        self.max_n, self.n_buckets, self.scale = max_n, n_buckets, scale
        self.padding_idx = padding_idx
        self.prior = prior
        self.unigrams = nn.Embedding(num_embeddings, num_classes)
        nn.init.zeros_(self.unigrams.weight)
        self.ngrams = None
        if max_n > 1:
            # Row 0 is the bucket of n-grams that reach into padding: always zero.
            self.ngrams = nn.Embedding(n_buckets + 1, num_classes, padding_idx=0)
            nn.init.zeros_(self.ngrams.weight)
        for name, table in (("unigram_prior", self.unigrams), ("ngram_prior", self.ngrams)):
            self.register_buffer(name, torch.ones_like(table.weight)
                                 if prior and table is not None else None)

    def __setstate__(self, state):
        super().__setstate__(state)
        self.__dict__.setdefault("prior", False)  # pickled by sklstm 0.3.0

    def _buckets(self, X):
        """Each n-gram's row of its table, as ``(n, rows)`` for n = 1 .. max_n; and where X is real.

        Unigrams are their ids; a longer n-gram is its bucket plus one, and 0
        where it reaches into padding.
        """
        real = X != self.padding_idx
        out = [(1, X)]
        code, inside = X, real
        for n in range(2, self.max_n + 1):
            code = (code[:, :-1] * self._BASE + X[:, n - 1:]).remainder(self._MODULUS)
            inside = inside[:, :-1] & real[:, n - 1:]
            out.append((n, torch.where(inside, code.remainder(self.n_buckets) + 1, 0)))
        return out, real

    def _terms(self, X):
        """Per-n-gram rows: a list of ``(n, rows of shape (batch, steps - n + 1, classes))``."""
        buckets, real = self._buckets(X)
        terms = []
        for n, ids in buckets:
            rows = (self.unigrams if n == 1 else self.ngrams)(ids)
            if self.prior:
                prior = self.unigram_prior if n == 1 else self.ngram_prior
                rows = rows * nn.functional.embedding(ids, prior)
            terms.append((n, rows * real.unsqueeze(-1) if n == 1 else rows))
        return terms, real

    @torch.no_grad()
    def fit_prior(self, X, Y, sample_weight=None, *, alpha=1.0, batch_size=1024):
        """Set the factors to the naive-Bayes log-count ratios of texts ``X`` with targets ``Y``.

        For class ``c`` and n-gram ``j`` (a unigram, or a hash bucket),
        ``p`` counts the texts of class ``c`` that hold ``j`` and ``q`` the
        other texts that do, each text counted once, by its weight. The
        factor is ``log((alpha + p) / |alpha + p|) - log((alpha + q) / |alpha + q|)``,
        the norms summing over all n-grams: Wang and Manning's ``r``, one
        class against the rest. An n-gram in no text of the training set
        gets a factor near 0.

        Parameters
        ----------
        X : tensor of shape (n_samples, n_steps)
            Right-padded ids, below ``num_embeddings``.
        Y : tensor of shape (n_samples, num_classes)
            Each text's classes as 0/1 columns (one-hot, or label sets).
        sample_weight : tensor of shape (n_samples,) or None, default=None
            Each text's weight in the counts.
        alpha : float, default=1.0
            Smoothing added to every count.
        batch_size : int, default=1024
            Texts counted at a time (memory).

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If the bag was built without ``prior``, or the shapes disagree.
        """
        if not self.prior:
            raise ValueError("this BagOfNgrams was built with prior=False")
        n_uni = self.unigrams.num_embeddings
        n_rows = n_uni + (0 if self.ngrams is None else self.n_buckets)
        device = self.unigrams.weight.device
        X = torch.as_tensor(X, device=device).long()
        Y = torch.as_tensor(Y, device=device, dtype=torch.float32)
        weights = (torch.ones(len(X), device=device) if sample_weight is None
                   else torch.as_tensor(sample_weight, device=device, dtype=torch.float32))
        n_classes = self.unigrams.embedding_dim
        if X.ndim != 2 or Y.shape != (len(X), n_classes) or weights.shape != (len(X),):
            raise ValueError(f"fit_prior needs X of shape (n_samples, n_steps), Y of shape "
                             f"(n_samples, {n_classes}) and sample_weight of shape "
                             f"(n_samples,); got {tuple(X.shape)}, {tuple(Y.shape)} and "
                             f"{tuple(weights.shape)}")
        with_class = torch.zeros(n_rows, Y.shape[1], device=device)
        total = torch.zeros(n_rows, device=device)
        for start in range(0, len(X), batch_size):
            rows = slice(start, start + batch_size)
            buckets, real = self._buckets(X[rows])
            # Row of each n-gram in one table of unigrams then buckets; -1 for padding.
            index = torch.cat([torch.where(real, ids, -1) if n == 1 else
                               torch.where(ids > 0, ids - 1 + n_uni, -1)
                               for n, ids in buckets], dim=1)
            text = torch.arange(len(index), device=device).unsqueeze(1).expand_as(index)
            keep = index >= 0
            pairs = torch.unique(text[keep] * n_rows + index[keep])  # once per text
            text, index = pairs // n_rows, pairs % n_rows
            w = weights[rows][text]
            with_class.index_add_(0, index, Y[rows][text] * w.unsqueeze(1))
            total.index_add_(0, index, w)
        p = with_class + alpha
        q = total.unsqueeze(1) - with_class + alpha
        ratio = (p / p.sum(0)).log() - (q / q.sum(0)).log()
        self.unigram_prior.copy_(ratio[:n_uni])
        if self.ngrams is not None:
            self.ngram_prior[0] = 0.0
            self.ngram_prior[1:] = ratio[n_uni:]
        return self

    def _norm(self, real):
        """``scale`` over the square root of each row's n-gram count, shape (batch, 1)."""
        length = real.sum(dim=1, keepdim=True)
        count = sum((length - n + 1).clamp(min=0) for n in range(1, self.max_n + 1))
        return self.scale / count.clamp(min=1).to(self.unigrams.weight.dtype).sqrt()

    def forward(self, X):
        """Logits, shape (batch, num_classes), of right-padded ids ``X``."""
        terms, real = self._terms(X)
        return sum(rows.sum(dim=1) for _, rows in terms) * self._norm(real)

    def contributions(self, X):
        """Each token's share of :meth:`forward`, shape (batch, steps, num_classes)."""
        terms, real = self._terms(X)
        shares = terms[0][1].clone()
        for n, rows in terms[1:]:
            for offset in range(n):  # an n-gram starting at t covers t .. t + n - 1
                shares[:, offset:offset + rows.shape[1]] += rows / n
        return shares * self._norm(real).unsqueeze(1)
