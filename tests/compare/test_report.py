"""Tests for sklstm.compare._report: the self-contained HTML comparison report."""

import base64
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from sklstm.compare import build_report, write_report

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser",
                                                  "google-chrome") if shutil.which(name)), None)


class Fitted:
    """A stand-in for a fitted LSTM: a training history of two epochs."""

    history_ = [{"epoch": 1, "train_loss": 0.7, "valid_loss": 0.6, "valid_acc": 0.7},
                {"epoch": 2, "train_loss": 0.5, "valid_loss": 0.5, "valid_acc": 0.8}]


@pytest.fixture
def report_args():
    y_test = np.array(["neg", "pos", "pos", "<b>odd</b>"])
    predictions = {"tfidf": np.array(["neg", "pos", "neg", "<b>odd</b>"]),
                   "lstm": np.array(["neg", "pos", "pos", "neg"])}
    table = pd.DataFrame({"accuracy": [0.75, 0.75], "f1_macro": [0.78, 0.56],
                          "fit_seconds": [0.1, 3.0], "predict_seconds": [0.01, 0.2]},
                         index=pd.Index(["tfidf", "lstm"], name="model"))
    return dict(table=table, y_test=y_test, predictions=predictions,
                estimators={"tfidf": object(), "lstm": Fitted()},
                train_texts=["a fine film", "dull", "great fun", "odd one"],
                train_labels=["pos", "neg", "pos", "<b>odd</b>"],
                environment={"sklstm": "0.2.0", "python": "3.11"},
                title="sklstm compare: reviews.csv", subtitle="4 training texts")


def images(page):
    return re.findall(r'src="data:image/png;base64,([^"]+)"', page)


def test_page_has_every_section_and_inline_images_only(report_args):
    page = build_report(**report_args)
    for heading in ("Scores", "Per class", "Confusion matrices", "Learning curves", "Data",
                    "Environment"):
        assert f"<h2>{heading}</h2>" in page
    pngs = images(page)
    # scores, confusion matrices, the LSTM's curves (not the history-less model), data
    assert len(pngs) == 4
    assert all(base64.b64decode(png)[:4] == b"\x89PNG" for png in pngs)
    assert "<b>odd</b>" not in page and "&lt;b&gt;odd&lt;/b&gt;" in page  # labels escaped
    assert "http://" not in page and "https://" not in page  # nothing fetched from outside
    assert "<h3>lstm</h3>" in page and "<h3>tfidf</h3>" in page
    assert "fit_seconds" in page and "3.0000" in page


def test_explained_predictions_are_shown_side_by_side(report_args):
    from sklstm.explain import Explanation

    def explanation(method, weights):
        return Explanation(text="a <dull> film", tokens=["a", "<dull>", "film"],
                           weights=np.array(weights, dtype=float)[:, None], method=method,
                           columns=["neg"], prediction="neg")

    explained = [("most confident wrong: test text 3 (true label 'pos')",
                  [("lstm (integrated gradients)", explanation("integrated_gradients",
                                                                [0.1, 2.0, -0.5])),
                   ("tfidf_logreg (occlusion)", explanation("occlusion", [0, 0.3, 0]))])]
    page = build_report(**report_args, explanations=explained)
    section = page[page.index("<h2>Explained predictions</h2>"):page.index(
        "<h2>Environment</h2>")]
    assert "most confident wrong: test text 3 (true label &#x27;pos&#x27;)" in section
    assert section.count('<div class="sklstm-explanation"') == 2
    assert "&lt;dull&gt;" in section and "<dull>" not in section  # tokens escaped
    assert 'title="+2.0000" style="background:rgba(214,39,40,0.80)' in section  # strongest red
    assert 'title="-0.5000" style="background:rgba(31,119,180,0.20)' in section
    assert "<h2>Explained predictions</h2>" not in build_report(**report_args)


def test_per_class_scores_are_right(report_args):
    page = build_report(**report_args)
    lstm = page[page.index("<h3>lstm</h3>"):]
    # lstm on 'pos': precision 2/2, recall 2/2; on 'neg': precision 1/2, recall 1/1
    assert "<td>neg</td><td>0.5000</td><td>1.0000</td><td>0.6667</td><td>1</td>" in lstm
    assert "<td>pos</td><td>1.0000</td><td>1.0000</td><td>1.0000</td><td>2</td>" in lstm


def test_write_report_replaces_whole_or_not_at_all(tmp_path, report_args):
    path = tmp_path / "report.html"
    path.write_text("old report")
    with pytest.raises(ValueError):
        write_report(path, **{**report_args, "predictions": {"m": ["neg"]}})
    assert path.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    write_report(path, **report_args)
    assert path.read_text().startswith("<!DOCTYPE html>")


_PROBE = ("<script>window.addEventListener('load', () => document.body.setAttribute("
          "'data-broken', [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
          ".length + '/' + document.images.length));</script>")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed and cannot be "
                                             "installed here (.ci/run installs Debian's "
                                             "chromium package)")
def test_report_renders_in_headless_chromium(tmp_path, report_args):
    import matplotlib.image

    path = write_report(tmp_path / "report.html", **report_args)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1200,1600",
                    path.as_uri()], capture_output=True, timeout=120, check=True)
    pixels = matplotlib.image.imread(shot)[..., :3]
    assert pixels.std() > 0.05  # not a blank page
    assert (pixels.min(axis=-1) < 0.9).mean() > 0.01  # ink on more than 1% of the page
    probe = tmp_path / "probe.html"
    probe.write_text(path.read_text().replace("</body>", _PROBE + "</body>"))
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", "--virtual-time-budget=5000",
                          probe.as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    assert 'data-broken="0/4"' in dom  # every image decoded, none broken
    broken = tmp_path / "broken.html"
    broken.write_text(probe.read_text().replace(images(probe.read_text())[0], "AAAA", 1))
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", "--virtual-time-budget=5000",
                          broken.as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    assert 'data-broken="1/4"' in dom  # the check does see a broken image
