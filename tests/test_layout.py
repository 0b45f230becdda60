"""The package's layout rules (docs/contributing.rst), checked on the source.

- No module imports a private name (leading underscore) from another sklstm
  module, except from the private shared package ``sklstm._utils``; the
  benchmarks and examples import public names only (and ``sklstm._utils``).
- Each module imports only the sklstm modules its layer allows
  (``ALLOWED``): the PyTorch module and batching never import the tokenizer
  or word-vector files, the estimators never import the command line, and
  so on. A new module must be added here, with its place in the layers.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sklstm"

# module -> the sklstm modules it may import ("_utils" is the private shared package).
ALLOWED = {
    "_utils": {"_utils"},
    # layer 1: leaves
    "encoding": {"_utils"},
    "modules": set(),
    "batching": {"_utils"},
    "schedules": set(),
    # callbacks re-exports checkpoint's names lazily, for code and pickles of sklstm 0.1
    "callbacks": {"checkpoint"},
    "word_vectors": {"_utils", "vector_files"},
    "history": set(),
    "tables": {"_utils"},
    "datasets": {"_utils", "tables"},
    "baselines": set(),
    "streaming": {"_utils"},
    "parallel": {"_utils"},
    "comparison": {"_utils"},
    "self_training": {"_utils"},  # a meta-estimator: it imports no other estimator
    "explanation": {"_utils"},  # the result of explain(): it runs no model
    # layer 2
    "tokenizer": {"_utils", "encoding"},
    "checkpoint": {"_utils", "callbacks"},
    "vector_files": {"_utils", "word_vectors"},
    "plotting": {"_utils", "history"},
    "report": {"_utils", "history", "plotting"},
    # layer 3
    "training": {"_utils", "batching", "callbacks", "checkpoint", "modules", "nets", "schedules"},
    "word2vec": {"_utils", "tokenizer", "word_vectors"},
    "pretraining": {"_utils", "batching", "modules", "word_vectors"},
    "nets": set(),
    # layer 4: the estimators' shared base, the estimators, and the compatibility module
    "base": {"_utils", "batching", "modules", "schedules", "training", "word_vectors"},
    "classifier": {"_utils", "base", "nets", "pretraining", "schedules"},
    "regressor": {"_utils", "base", "nets"},
    "embeddings": {"word_vectors", "vector_files", "word2vec"},
    # layer 5: saving, and the package's front doors
    "persistence": {"_utils", "classifier", "regressor", "tokenizer", "__init__"},
    "attributions": {"_utils", "batching", "regressor"},
    "explain": {"_utils", "attributions", "batching", "classifier", "explanation", "regressor",
                "tokenizer"},
    "cli": {"_utils", "__init__", "baselines", "comparison", "datasets", "explain", "history",
            "persistence", "plotting", "report", "streaming", "tables"},
    "__init__": {"classifier", "persistence", "regressor", "self_training", "tokenizer",
                 "word_vectors", "vector_files", "word2vec"},
    "__main__": {"cli"},
}

# What must never be imported, whatever else changes (the layering).
NEVER = {
    "modules": {"tokenizer", "encoding", "word_vectors", "vector_files", "word2vec", "embeddings"},
    "batching": {"tokenizer", "encoding", "word_vectors", "vector_files", "word2vec", "embeddings"},
    "training": {"tokenizer", "word_vectors", "vector_files", "word2vec", "embeddings", "cli"},
    "classifier": {"tokenizer", "vector_files", "word2vec", "embeddings", "cli", "persistence"},
    "regressor": {"tokenizer", "vector_files", "word2vec", "embeddings", "cli", "persistence"},
    "base": {"tokenizer", "vector_files", "word2vec", "embeddings", "cli", "persistence"},
    "tokenizer": {"classifier", "training", "modules", "persistence", "cli"},
    "pretraining": {"tokenizer", "vector_files", "word2vec", "embeddings", "classifier", "cli",
                    "persistence"},
}


def _module_name(path):
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return "_utils" if parts[0] == "_utils" else parts[0]


def _imports(path):
    """(imported sklstm module, imported names, line) for every sklstm import in ``path``."""
    tree = ast.parse(path.read_text())
    inside_utils = path.parent.name == "_utils"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from .x import y, from ..x import y
                base = node.module or ""
                if inside_utils and node.level == 1:
                    targets = ["_utils"]
                else:
                    targets = [base.split(".")[0] if base else "__init__"]
            elif node.module and (node.module == "sklstm" or node.module.startswith("sklstm.")):
                parts = node.module.split(".")
                targets = [parts[1] if len(parts) > 1 else "__init__"]
            else:
                continue
            for target in targets:
                found.append((target or "__init__", [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "sklstm" or alias.name.startswith("sklstm."):
                    parts = alias.name.split(".")
                    found.append((parts[1] if len(parts) > 1 else "__init__", [], node.lineno))
    return found


def _normalise(target):
    return "__init__" if target in ("", "sklstm") else target


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_place_in_the_layers():
    modules = {_module_name(path) for path in SOURCES}
    assert modules <= set(ALLOWED), f"add {sorted(modules - set(ALLOWED))} to ALLOWED"
    gone = set(ALLOWED) - {"_utils"} - modules - {"__init__"}
    assert not gone, f"ALLOWED names modules that are gone: {sorted(gone)}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layers(path):
    module = _module_name(path)
    allowed = ALLOWED[module] | {module}
    wrong = []
    for target, names, line in _imports(path):
        target = _normalise(target)
        if target == "__init__" and names:
            # "from . import __version__" reads the package's metadata, not its modules
            if set(names) <= {"__version__"}:
                continue
            # "from . import x" imports module x
            targets = [n for n in names if (PACKAGE / f"{n}.py").exists()] or ["__init__"]
        else:
            targets = [target]
        wrong += [f"line {line}: {t}" for t in targets if t not in allowed]
    assert not wrong, f"{module} may import only {sorted(allowed)}; it imports {wrong}"


@pytest.mark.parametrize("module", sorted(NEVER))
def test_never_imported(module):
    assert not ALLOWED[module] & NEVER[module]


PRIVATE_RULE_SOURCES = SOURCES + sorted((ROOT / "benchmarks").glob("*.py")) + sorted(
    (ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("path", PRIVATE_RULE_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_names_from_other_modules(path):
    own = _module_name(path) if path.is_relative_to(PACKAGE) else None
    wrong = []
    for target, names, line in _imports(path):
        target = _normalise(target)
        if target in ("_utils", own):
            continue
        wrong += [f"line {line}: {name} from {target}" for name in names
                  if name.startswith("_") and not (name.startswith("__") and name.endswith("__"))]
    # module._private attribute reads through an imported sklstm module
    text = path.read_text()
    for match in re.finditer(r"\bsklstm\.(\w+)\.(_[a-z]\w*)", text):
        if match.group(1) != "_utils":
            wrong.append(f"{match.group(0)}")
    assert not wrong, f"{path.name} uses private names of other sklstm modules: {wrong}"


def test_the_rules_catch_a_violation(tmp_path):
    """The checker itself: a private import and a forbidden layer are both found."""
    bad = PACKAGE / "modules.py"
    source = bad.read_text()
    fake = tmp_path / "sklstm" / "modules.py"
    fake.parent.mkdir()
    fake.write_text(source + "\nfrom .tokenizer import _private_helper\n")
    found = [(t, n) for t, n, _ in _imports(fake)]
    assert ("tokenizer", ["_private_helper"]) in found
    assert "tokenizer" not in ALLOWED["modules"]
