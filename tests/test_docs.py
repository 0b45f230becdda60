"""The Sphinx documentation builds without warnings and documents every public name."""

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sklstm

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _faces():
    """The public packages and modules below sklstm (no part of their name private)."""
    for info in pkgutil.walk_packages(sklstm.__path__, "sklstm."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            yield importlib.import_module(info.name)


def public_names():
    """'sklstm.X' for the package's exports, 'sklstm.pkg.X' for each public package's others."""
    names = {f"sklstm.{name}" for name in sklstm.__all__ if not name.startswith("__")}
    headline = {id(getattr(sklstm, name)) for name in sklstm.__all__}
    for face in _faces():
        for name in face.__all__:
            value = getattr(face, name)
            if isinstance(value, (type, type(public_names))) and id(value) in headline:
                continue  # documented at the top
            names.add(f"{face.__name__}.{name}")
    return names


def _anchors(html):
    anchors = set()
    for page in html.rglob("*.html"):
        anchors.update(re.findall(r'id="(sklstm\.[\w.]+)"', page.read_text(encoding="utf-8")))
    return anchors


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / ".doctrees"), str(DOCS), str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return out


@pytest.mark.slow
def test_docs_build_with_warnings_as_errors(html):
    for page in ["index", "api", "examples", "user_guide/index", "user_guide/tokenizers",
                 "user_guide/model_options", "user_guide/grid_search", "user_guide/tfidf",
                 "user_guide/persistence", "user_guide/performance",
                 "user_guide/scaling_out", "user_guide/gpu", "user_guide/notebooks",
                 "user_guide/command_line", "generated/sklstm.LSTMClassifier"]:
        assert (html / f"{page}.html").is_file(), page
    text = (html / "generated" / "sklstm.LSTMClassifier.html").read_text(encoding="utf-8")
    # numpydoc rendered the sections.
    assert "Parameters" in text and "Attributes" in text and "Examples" in text


@pytest.mark.slow
def test_every_public_name_is_documented(html):
    missing = sorted(public_names() - _anchors(html))
    assert not missing, f"public names without an API entry (add them to docs/api.rst): {missing}"


@pytest.mark.slow
def test_the_reference_documents_public_names_only(html):
    public = public_names()
    internal = sorted(anchor for anchor in _anchors(html)
                      if not any(anchor == name or anchor.startswith(f"{name}.")
                                 for name in public))
    assert not internal, f"the API reference documents internals: {internal}"
