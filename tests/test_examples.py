"""The example scripts run (on small IMDB subsets)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.slow
def test_imdb_quickstart_runs(imdb_data_home, tmp_path):
    env = dict(os.environ, SKLSTM_DATA=str(imdb_data_home))
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "imdb_quickstart.py"), "--train-size", "300",
         "--test-size", "200", "--max-epochs", "1"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "tfidf_logreg" in result.stdout and "lstm" in result.stdout
    assert "accuracy" in result.stdout
