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


def public_names():
    """'sklstm.X' for the package's exports and 'sklstm.mod.X' for each public module's."""
    names = {f"sklstm.{name}" for name in sklstm.__all__ if not name.startswith("__")}
    for module in pkgutil.iter_modules(sklstm.__path__):
        if module.name.startswith("_"):
            continue
        mod = importlib.import_module(f"sklstm.{module.name}")
        for name in getattr(mod, "__all__", []):
            if f"sklstm.{name}" in names:  # re-exported by the package: documented there
                continue
            home = getattr(getattr(mod, name), "__module__", mod.__name__)
            if home != mod.__name__ and home.startswith("sklstm.") and not home.startswith(
                    "sklstm._"):  # re-exported from the public module that documents it
                continue
            names.add(f"sklstm.{module.name}.{name}")
    return names


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
    anchors = set()
    for page in html.rglob("*.html"):
        anchors.update(re.findall(r'id="(sklstm\.[\w.]+)"', page.read_text(encoding="utf-8")))
    missing = sorted(public_names() - anchors)
    assert not missing, f"public names without an API entry (add them to docs/api.rst): {missing}"
