"""Why did a model predict that? Token attributions for text pipelines.

:func:`explain` gives one :class:`Explanation` per text (an
:class:`ExplanationList`): each token with a weight per class. The methods
are small objects, each with only its own options, also reachable by name
(:data:`METHODS`): :class:`IntegratedGradients`, :class:`Attention` and
:class:`Occlusion`, each an :class:`ExplanationMethod`. :func:`integrated_gradients` and
:func:`attention_weights` compute the first two on a fitted estimator and
token ids; :func:`confident_predictions` picks the texts worth explaining;
:func:`explanations_html` and :func:`plot_explanation` show them.
"""

from ._api import METHODS, confident_predictions, explain
from ._attention import Attention, attention_weights
from ._gradients import INTEGRATIONS, Attributions, IntegratedGradients, integrated_gradients
from ._methods import ExplanationMethod
from ._occlusion import WORD_PATTERN, Occlusion
from ._result import Explanation, ExplanationList, explanations_html, plot_explanation

__all__ = ["INTEGRATIONS", "METHODS", "WORD_PATTERN", "Attention", "Attributions",
           "Explanation", "ExplanationList", "ExplanationMethod", "IntegratedGradients",
           "Occlusion", "attention_weights", "confident_predictions", "explain",
           "explanations_html", "integrated_gradients", "plot_explanation"]
