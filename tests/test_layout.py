"""The package's layout rules (docs/contributing.rst), checked on the source.

- A package keeps its modules private (``_name.py``) behind a short face,
  its ``__init__.py``, which exports every public name once, in ``__all__``.
- Code imports another package only through its face (and the private
  shared helpers of ``sklstm._utils`` from anywhere); benchmarks and
  examples import public names only.
- Each package imports only the packages below it (``LAYERS``); any may import
  ``sklstm._utils`` and ``sklstm._compat``, the one door of deprecations.
- No import cycles, function-level imports included.
"""

import ast
import importlib
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sklstm"

# unit (a package, or a module at the top) -> the units it may import
LAYERS = {
    "_utils": set(),
    "_version": set(),
    "_compat": {"_utils"},
    "tokenization": {"_utils"},
    "vectors": {"_utils", "tokenization"},
    "lstm": {"_utils", "vectors"},  # the LSTM takes ids: it never reads a tokenizer
    "semi_supervised": {"_utils"},  # a meta-estimator: it imports no other estimator
    "explain": {"_utils", "lstm", "tokenization"},
    "datasets": {"_utils"},
    "compare": {"_utils"},
    "streaming": {"_utils"},
    "parallel": {"_utils"},
    "_persistence": {"_utils", "_version", "lstm", "tokenization"},
    "cli": {"", "compare", "datasets", "explain", "lstm", "streaming"},
    "": {"_compat", "_persistence", "_version", "lstm", "semi_supervised", "tokenization",
         "vectors"},
    "__main__": {"cli"},
}

SOURCES = sorted(PACKAGE.rglob("*.py"))


def _module(path):
    """The dotted name of a source file."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module):
    """The unit of a module: its package below sklstm ('' for sklstm itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path):
    """(imported module, imported names, line) for every sklstm import in ``path``, at any depth."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "sklstm" or target.startswith("sklstm."):
                found.append((target, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names
                      if a.name == "sklstm" or a.name.startswith("sklstm.")]
    return found


def _modules_imported(target, names):
    """The modules an import statement loads: ``from pkg import mod`` loads ``pkg.mod`` (and
    ``pkg`` itself only for the names that are not its submodules)."""
    def submodule(name):
        folder = ROOT / Path(*target.split("."))
        return (folder / f"{name}.py").exists() or (folder / name / "__init__.py").exists()

    loaded = [f"{target}.{name}" for name in names if submodule(name)]
    if not names or len(loaded) < len(names):
        loaded.append(target)
    return loaded


def _is_private(module):
    return any(part.startswith("_") for part in module.split(".")[1:])


def _face(module):
    """The package face a module stands behind: its dotted name up to the first private part."""
    parts = module.split(".")
    for i, part in enumerate(parts[1:], start=1):
        if part.startswith("_"):
            return ".".join(parts[:i])
    return module


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_inside_packages_are_private(path):
    parts = path.relative_to(PACKAGE).parts
    if len(parts) > 1 and parts[0] != "_utils" and path.name != "__init__.py":
        assert path.name.startswith("_"), (
            f"{path.relative_to(ROOT)}: a module inside a package is private (_name.py); "
            "export its public names from the package's __init__.py")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layers(path):
    unit = _unit(_module(path))
    assert unit in LAYERS, f"add {unit!r} to LAYERS, with its place in the layers"
    allowed = LAYERS[unit] | {unit} | ({"_utils", "_compat"} if unit != "_utils" else set())
    wrong = [f"line {line}: {target}" for target, names, line in _imports(path)
             for module in _modules_imported(target, names) if _unit(module) not in allowed]
    assert not wrong, f"{unit or 'sklstm'} may import only {sorted(allowed)}; it imports {wrong}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_other_packages_are_imported_through_their_face(path):
    module = _module(path)
    wrong = [f"line {line}: {target}" for target, _, line in _imports(path)
             if _unit(target) not in (_unit(module), "_utils") and _is_private(target)
             and _face(target) != "sklstm"]
    assert not wrong, (f"{module} imports the private modules of another package {wrong}: "
                       "import from the package's face")


FACES = sorted(path for path in SOURCES if path.name == "__init__.py"
               and path.parent.name != "_utils")


@pytest.mark.parametrize("path", FACES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_face_exports_each_public_name_once(path):
    face = importlib.import_module(_module(path))
    exported = face.__all__
    assert len(exported) == len(set(exported)), f"{face.__name__}.__all__ repeats a name"
    for name in exported:
        assert hasattr(face, name), f"{face.__name__}.__all__ names {name!r}, which is missing"
    public = {name for name, value in vars(face).items() if not name.startswith("_")
              and isinstance(value, (type, types.FunctionType))
              and value.__module__.startswith(face.__name__ + "._")}
    assert public <= set(exported), f"{face.__name__} exports {sorted(public - set(exported))} " \
                                    "without listing them in __all__"


def test_public_names_have_one_home():
    """A public object is exported by the face of its package (the top package may repeat the
    headline names): no two package faces export the same object."""
    homes = {}
    for path in FACES:
        face = importlib.import_module(_module(path))
        if face.__name__ == "sklstm":
            continue
        for name in face.__all__:
            value = getattr(face, name)
            if isinstance(value, (type, type(len), type(_unit))):
                homes.setdefault(id(value), []).append(f"{face.__name__}.{name}")
    twice = [paths for paths in homes.values() if len(paths) > 1]
    assert not twice, f"exported by two faces: {twice}"


def _graph():
    graph = {}
    for path in SOURCES:
        module = _module(path)
        edges = graph.setdefault(module, set())
        for target, names, _ in _imports(path):
            edges.update(m for m in _modules_imported(target, names) if m != module)
    return graph


def _cycle(graph):
    """One import cycle of ``graph`` (a list of modules), or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycles():
    cycle = _cycle(_graph())
    assert cycle is None, f"import cycle: {' -> '.join(cycle)}"


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


PUBLIC_ONLY = sorted([*(ROOT / "benchmarks").glob("*.py"), *(ROOT / "examples").glob("*.py")])


@pytest.mark.parametrize("path", PUBLIC_ONLY, ids=lambda p: str(p.relative_to(ROOT)))
def test_benchmarks_and_examples_use_public_names(path):
    wrong = []
    for target, names, line in _imports(path):
        if _unit(target) == "_utils":
            continue
        if _is_private(target):
            wrong.append(f"line {line}: {target}")
        wrong += [f"line {line}: {name} from {target}" for name in names
                  if name.startswith("_") and not name.startswith("__")]
    assert not wrong, f"{path.name} uses private names of sklstm: {wrong}"


def test_the_rules_catch_a_violation(tmp_path):
    """The checks themselves: a private import from another package and a forbidden layer."""
    fake = PACKAGE / "lstm" / "_network.py"
    imports = _imports(fake) + [("sklstm.tokenization._tokenizer", ["TextTokenizer"], 0)]
    assert any(_unit(t) == "tokenization" and _unit(t) not in LAYERS["lstm"]
               for t, _, _ in imports)
    assert _is_private("sklstm.tokenization._tokenizer")
    assert _face("sklstm.tokenization._tokenizer") == "sklstm.tokenization"
