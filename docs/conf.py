"""Sphinx configuration for the sklstm documentation (``sphinx-build docs docs/_build``)."""

project = "sklstm"
author = "the sklstm developers"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.autosummary", "numpydoc"]
autosummary_generate = True
numpydoc_show_class_members = False
html_theme = "alabaster"
exclude_patterns = ["_build"]
