"""The examples run: the notebooks (executed in a Jupyter kernel) and the script.

The notebooks are jupytext "percent" files; each is converted to a notebook,
executed by nbclient in a fresh kernel in a temporary folder on a few hundred
IMDB reviews and 1 epoch, and must save its PNG figures.
"""

import os
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Notebook -> the PNG files it saves.
NOTEBOOKS = {
    "01_quickstart.py": ["01_training_curves.png"],
    "02_imdb_lstm_vs_tfidf.py": ["02_scores.png", "02_training_curves.png",
                                 "02_confusion_matrices.png"],
    "03_grid_search.py": ["03_grid_search.png"],
    "04_chinese_text.py": ["04_confusion_matrices.png"],
    "05_explanations.py": ["05_explanation.png"],
}


def test_every_notebook_is_tested():
    assert sorted(p.name for p in EXAMPLES.glob("[0-9][0-9]_*.py")) == sorted(NOTEBOOKS)


def execute_notebook(name, workdir, monkeypatch):
    """Run a jupytext notebook in a fresh kernel in ``workdir``; return it executed."""
    monkeypatch.setenv("SKLSTM_EXAMPLE_SIZE", "300")
    monkeypatch.setenv("SKLSTM_EXAMPLE_EPOCHS", "1")
    monkeypatch.setenv("SKLSTM_FIGURES", str(workdir / "figures"))
    # One torch thread: CI machines are small and shared; more threads only contend.
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("MKL_NUM_THREADS", "1")
    notebook = jupytext.read(EXAMPLES / name)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return notebook


def outputs(notebook, mime):
    """Every output of the given MIME type, in cell order."""
    return [out["data"][mime] for cell in notebook.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if mime in out.get("data", {})]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_notebook_runs_and_saves_its_figures(name, tmp_path, monkeypatch, request):
    if name != "04_chinese_text.py":  # the IMDB notebooks
        monkeypatch.setenv("SKLSTM_DATA", str(request.getfixturevalue("imdb_data_home")))
    notebook = execute_notebook(name, tmp_path, monkeypatch)
    for png in NOTEBOOKS[name]:
        path = tmp_path / "figures" / png
        assert path.is_file(), f"{name} did not save {png}"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000
    # Every figure also displays in the notebook.
    assert len(outputs(notebook, "image/png")) >= len(NOTEBOOKS[name])
    if name == "01_quickstart.py":
        # The pipeline's HTML diagram and the widget progress bar (ipywidgets).
        assert any("LSTMClassifier" in html for html in outputs(notebook, "text/html"))
        assert outputs(notebook, "application/vnd.jupyter.widget-view+json")
        assert any("test accuracy" in out.get("text", "") for cell in notebook.cells
                   for out in cell.get("outputs", []))
    if name == "05_explanations.py":
        # Highlighted tokens for each method and model, and the side-by-side block.
        html = outputs(notebook, "text/html")
        assert sum('class="sklstm-explanation"' in h for h in html) >= 5
        assert any("TF-IDF, occlusion" in h and "LSTM, integrated gradients" in h
                   for h in html)
        assert any("attention for" in h for h in html)
        assert any("completeness error:" in out.get("text", "") for cell in notebook.cells
                   for out in cell.get("outputs", []))


@pytest.mark.slow
def test_imdb_quickstart_script_runs(imdb_data_home, tmp_path):
    env = dict(os.environ, SKLSTM_DATA=str(imdb_data_home))
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "imdb_quickstart.py"), "--train-size", "300",
         "--test-size", "200", "--max-epochs", "1"],
        capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "tfidf_logreg" in result.stdout and "lstm" in result.stdout
    assert "accuracy" in result.stdout
