"""The package as a user gets it: built, installed from its wheel, run outside the checkout.

``python -m build`` makes the sdist and, from it, the wheel; the wheel is installed with
no extras into a fresh virtual environment (no system site packages, no editable
install), offline from the wheelhouse that ``make setup`` fills (``.venv/wheelhouse``,
or ``$SKLSTM_WHEELHOUSE``): nothing downloads here. Then, in a folder outside the source
tree and without it on ``PYTHONPATH``, the fresh environment runs ``sklstm --help``, the
README's Python quick start and ``sklstm compare`` / ``train`` / ``predict`` on a small
CSV. A wheel missing a file the package needs, or a dependency missing from
``pyproject.toml``, fails here rather than for a user.

Slow: about 1 minute on 2 cores (build 4 s, fresh environment and offline install 13 s,
first import 7 s, the commands 30 s); each step's time is printed for the CI log.
"""

import csv
import json
import os
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "sklstm"
WHEELHOUSE = Path(os.environ.get("SKLSTM_WHEELHOUSE") or Path(sys.prefix) / "wheelhouse")
WHEELHOUSE_COMPLETE = WHEELHOUSE / ".complete"  # written last by the Makefile
# Variables that would let the source tree, the user's site packages or this machine's pip
# configuration (indexes, find-links, constraints) into the fresh environment.
_LEAKY = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV",
          "CONDA_PREFIX", "SKLSTM_DATA",
          # pip installs with --no-compile (25 s less) and the first command writes the
          # bytecode, as on a user's machine; without it every command would compile torch.
          "PYTHONDONTWRITEBYTECODE")


# ------------------------------------------------------------------ helpers

@pytest.fixture(scope="module")
def say(request):
    """Print a line on the terminal even when pytest captures output (for CI logs)."""
    plugins = request.config.pluginmanager
    capture = plugins.getplugin("capturemanager")
    reporter = plugins.getplugin("terminalreporter")

    def write(line):
        with capture.global_and_fixture_disabled() if capture else nullcontext():
            if reporter is not None:
                reporter.write_line(f"[test_wheel] {line}")
            else:  # pragma: no cover - without pytest's terminal (-p no:terminal)
                print(f"[test_wheel] {line}", file=sys.stderr, flush=True)
    return write


@contextmanager
def timed(say, what):
    start = time.perf_counter()
    yield
    say(f"{what}: {time.perf_counter() - start:.1f} s")


def clean_env(**extra):
    """The environment without PYTHONPATH & co and with no pip configuration file."""
    env = {k: v for k, v in os.environ.items()
           if k not in _LEAKY and not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1",
               PYTHONNOUSERSITE="1", **extra)
    return env


def run(argv, *, cwd, env, timeout=600):
    """Run ``argv``; fail with its output unless it exits with 0."""
    result = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(map(str, argv))} exited with {result.returncode}\n"
        f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-6000:]}")
    return result


def package_files():
    """The package's files, relative to the root: git's list, else those on disk."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--", PACKAGE], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
        files = {f for f in listed.split("\0") if f}
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an sdist, say)
        files = set()
    if not files:
        files = {p.relative_to(ROOT).as_posix() for p in (ROOT / PACKAGE).rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    # A file deleted in the work tree but not yet in git's index is not the package's.
    return {f for f in files if (ROOT / f).is_file()}


def readme_quick_start():
    """The first ```python block of the README: its quick start."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README.md has no ```python block"
    return blocks[0]


POSITIVE = ["wonderful", "moving", "brilliant", "superb", "delightful", "charming",
            "gripping", "beautiful", "loved", "excellent"]
NEGATIVE = ["dull", "boring", "tedious", "awful", "clumsy", "hated", "lifeless",
            "predictable", "messy", "bland"]
FILLER = ["the", "film", "plot", "acting", "story", "cast", "was", "and", "a", "very",
          "script", "ending", "music", "scenes", "it"]


def write_reviews(path, n, *, labels=True, seed=0):
    """``n`` made-up reviews, half of each class: columns id, text (and label)."""
    import random

    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "label"] if labels else ["id", "text"])
        for i in range(n):
            label = "pos" if i % 2 == 0 else "neg"
            words = rng.sample(FILLER, 6) + rng.sample(POSITIVE if label == "pos" else NEGATIVE,
                                                       3)
            rng.shuffle(words)
            row = [f"{i:04d}", " ".join(words)]
            writer.writerow(row + [label] if labels else row)
    return path


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def wheelhouse():
    if not WHEELHOUSE_COMPLETE.is_file():
        pytest.fail(f"the wheelhouse {WHEELHOUSE} is missing or incomplete: run `make setup` "
                    "(it downloads the wheels of a plain install there, so that this test "
                    "installs offline), or set SKLSTM_WHEELHOUSE to such a folder")
    return WHEELHOUSE


@pytest.fixture(scope="module")
def dist(tmp_path_factory, wheelhouse, say):
    """The sdist and the wheel built from it by ``python -m build``."""
    try:
        import build  # noqa: F401
    except ImportError:
        pytest.fail("`python -m build` needs the package `build` (in the dev extra): run "
                    "`make setup`")
    out = tmp_path_factory.mktemp("dist")
    # Build isolation installs the build backend from the wheelhouse, not from an index.
    env = clean_env(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse))
    # Run in the checkout, as a release is built (setuptools writes sklstm.egg-info there,
    # which git ignores); the outputs go to a temporary folder.
    with timed(say, "python -m build (sdist, then the wheel from it)"):
        run([sys.executable, "-m", "build", "--outdir", out, ROOT], cwd=ROOT, env=env)
    sdists, wheels = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
    assert len(sdists) == 1 and len(wheels) == 1, sorted(p.name for p in out.iterdir())
    return sdists[0], wheels[0]


@pytest.fixture(scope="module")
def venv(tmp_path_factory, dist, wheelhouse, say):
    """A fresh virtual environment with the wheel installed, no extras, offline."""
    _, wheel = dist
    home = tmp_path_factory.mktemp("venv") / "env"
    with timed(say, "python -m venv"):
        run([sys.executable, "-m", "venv", home], cwd=home.parent, env=clean_env())
    python = home / "bin" / "python"
    with timed(say, f"pip install {wheel.name} (offline, from {wheelhouse})"):
        run([python, "-m", "pip", "install", "--no-index", "--find-links", wheelhouse,
             "--no-compile", wheel], cwd=home.parent, env=clean_env())
    return home


@pytest.fixture(scope="module")
def user(tmp_path_factory, venv):
    """Where and how the user's commands run: a folder outside the source tree, the fresh
    environment first on PATH, nothing of the checkout on PYTHONPATH."""
    cwd = tmp_path_factory.mktemp("user")
    assert not cwd.resolve().is_relative_to(ROOT)
    env = clean_env(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
                    MPLCONFIGDIR=str(cwd / ".matplotlib"))
    return cwd, env


# ------------------------------------------------------------------ tests

def test_sdist_holds_the_package(dist):
    sdist, _ = dist
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    missing = sorted({*package_files(), "pyproject.toml", "README.md"} - names)
    assert not missing, f"{sdist.name} lacks {missing}"


def test_wheel_holds_every_package_file(dist):
    _, wheel = dist
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(f"{dist_info}/METADATA").decode("utf-8")
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode("utf-8")
    missing = sorted(package_files() - names)
    assert not missing, f"{wheel.name} lacks {missing}"
    assert {n.split("/")[0] for n in names} == {PACKAGE, dist_info}  # no tests/, docs/ ...
    assert re.search(r"^sklstm = sklstm\.cli:main$", entry_points, flags=re.M)
    # The main job needs no extra: pandas and matplotlib are plain requirements.
    requires = re.findall(r"^Requires-Dist: (.*)$", metadata, flags=re.M)
    for name in ("pandas", "matplotlib", "torch"):
        assert any(re.match(rf"{name}\b", r) and "extra ==" not in r for r in requires), \
            (name, requires)


def test_import_comes_from_the_fresh_environment(venv, user, say):
    cwd, env = user
    with timed(say, "import sklstm (the first run writes the bytecode)"):
        result = run([venv / "bin" / "python", "-c",
                      "import json, sysconfig, sklstm; print(json.dumps([sklstm.__file__, "
                      "sysconfig.get_paths()['purelib'], sklstm.__version__]))"],
                     cwd=cwd, env=env)
    module, site_packages, version = json.loads(result.stdout)
    assert Path(module).is_relative_to(site_packages), (module, site_packages)
    assert not Path(module).resolve().is_relative_to(ROOT)
    assert Path(site_packages).is_relative_to(venv)
    import sklstm

    assert version == sklstm.__version__


def test_help(venv, user, say):
    cwd, env = user
    with timed(say, "sklstm --help"):
        result = run([venv / "bin" / "sklstm", "--help"], cwd=cwd, env=env)
    for command in ("compare", "train", "predict", "explain"):
        assert command in result.stdout


def test_readme_quick_start(venv, user, say):
    cwd, env = user
    script = cwd / "quickstart.py"
    script.write_text(readme_quick_start(), encoding="utf-8")
    with timed(say, "README quick start"):
        result = run([venv / "bin" / "python", script], cwd=cwd, env=env)
    assert "['pos' 'neg']" in result.stdout, result.stdout


def test_compare_train_predict_a_csv(venv, user, say):
    cwd, env = user
    sklstm = venv / "bin" / "sklstm"
    write_reviews(cwd / "data.csv", 60)
    write_reviews(cwd / "new.csv", 12, labels=False, seed=1)

    with timed(say, "sklstm compare data.csv --max-epochs 2"):
        result = run([sklstm, "compare", "data.csv", "--max-epochs", "2", "--out", "results"],
                     cwd=cwd, env=env)
    assert "tfidf_logreg" in result.stdout and "lstm" in result.stdout
    page = (cwd / "results" / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    scores = re.search(r"<h2>Scores</h2>(<table>.*?</table>)", page, flags=re.S)
    assert scores, "report.html has no score table"
    for model in ("tfidf_logreg", "tfidf_svm", "nbsvm", "nblr", "lstm"):
        assert f"<td>{model}</td>" in scores.group(1), model
    assert page.count("data:image/png;base64,") >= 4  # the figures, drawn by matplotlib
    results = json.loads((cwd / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["n_train"] + results["n_test"] == 60
    assert {p.name for p in (cwd / "results").glob("*.png")} == {
        "scores.png", "confusion_matrices.png", "training_curves.png"}

    with timed(say, "sklstm train data.csv --max-epochs 2"):
        run([sklstm, "train", "data.csv", "--max-epochs", "2", "--out", "model.sklstm"],
            cwd=cwd, env=env)
    assert (cwd / "model.sklstm").is_file()

    with timed(say, "sklstm predict model.sklstm new.csv"):
        run([sklstm, "predict", "model.sklstm", "new.csv", "--out", "predictions.csv"],
            cwd=cwd, env=env)
    with open(cwd / "predictions.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 12
    assert [row["id"] for row in rows] == [f"{i:04d}" for i in range(12)]  # order, zeros kept
    assert {row["predicted_label"] for row in rows} <= {"pos", "neg"}
    for row in rows:
        assert float(row["proba_neg"]) + float(row["proba_pos"]) == pytest.approx(1, abs=1e-4)
