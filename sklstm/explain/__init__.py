"""Why did a model predict that? Token attributions for text pipelines.

:func:`explain` gives one :class:`Explanation` per text (an
:class:`ExplanationList`): each token with a weight per class. The methods
are small objects, each with its own options, also reachable by name
(:data:`METHODS`): :class:`IntegratedGradients`, :class:`Occlusion` and
:class:`Attention`. :func:`integrated_gradients` and
:func:`attention_weights` compute them on an fitted estimator and token ids;
:func:`confident_predictions` picks the texts worth explaining;
:func:`explanations_html` and :func:`plot_explanation` show them.
"""

from ._api import METHODS, WORD_PATTERN, confident_predictions, explain
from ._gradients import INTEGRATIONS, Attributions, attention_weights, integrated_gradients
from ._result import Explanation, ExplanationList, explanations_html, plot_explanation

__all__ = ["INTEGRATIONS", "METHODS", "WORD_PATTERN", "Attributions", "Explanation",
           "ExplanationList", "attention_weights", "confident_predictions", "explain",
           "explanations_html", "integrated_gradients", "plot_explanation"]
