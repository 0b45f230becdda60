"""Sphinx configuration for the sklstm documentation.

Build it with ``make docs`` (or ``sphinx-build -W -b html docs docs/_build/html``);
tests/test_docs.py builds it the same way, warnings as errors.
"""

import shutil
import sys
from pathlib import Path

# Document the checkout's sklstm even where it is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sklstm  # noqa: E402

project = "sklstm"
author = "the sklstm developers"
copyright = "the sklstm developers"
version = release = sklstm.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "numpydoc",
]
templates_path = ["_templates"]
exclude_patterns = ["_build"]

# API pages are generated from the docstrings (into docs/generated, not in git), afresh
# each build, so that no page of a name that left the API lingers.
shutil.rmtree(Path(__file__).resolve().parent / "generated", ignore_errors=True)
autosummary_generate = True
autodoc_default_options = {"member-order": "bysource"}
# "fit()" rather than "LSTMClassifier.fit()" in the page's table of contents.
toc_object_entries_show_parents = "hide"
# Methods are listed by the class template (_templates/autosummary/class.rst).
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

html_theme = "pydata_sphinx_theme"
html_title = f"sklstm {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_sidebars = {"index": []}
# Nothing is fetched from the network while building (no intersphinx, no icons CDN).
