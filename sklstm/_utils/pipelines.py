"""Looking inside (nested) scikit-learn pipelines: the step that predicts."""

from sklearn.pipeline import Pipeline

__all__ = ["final_step"]


def final_step(estimator, prefix=""):
    """The last step of a (nested) pipeline and its parameter prefix; an estimator itself.

    Parameters
    ----------
    estimator : estimator or Pipeline
        A model; pipelines (nested too) are followed to their last step.
    prefix : str, default=""
        Prepended to the returned prefix.

    Returns
    -------
    step : estimator
        The estimator that predicts.
    prefix : str
        What its parameters are called in ``estimator``'s ``set_params`` and
        ``fit`` parameters: ``"lstm__"`` for a step named ``lstm``, ``""`` for
        the estimator itself.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import Pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklstm._utils.pipelines import final_step
    >>> inner = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    >>> final_step(Pipeline([("outer", inner)]))
    (LogisticRegression(), 'outer__clf__')
    >>> final_step(LogisticRegression())
    (LogisticRegression(), '')
    """
    if isinstance(estimator, Pipeline):
        name, step = estimator.steps[-1]
        return final_step(step, f"{prefix}{name}__")
    return estimator, prefix
