"""Write api-0.x.json: the public names of every module of each sklstm 0.x release.

For each release, the last commit of that version in this repository's history
is read with git (no checkout): a module's names are its ``__all__`` (or, where
it has none, its public top-level functions and classes). tests/test_compat.py
checks that every one of them still imports through its 0.x path. Run from the
repository root: ``python tests/data/list_api.py``.
"""

import ast
import json
import subprocess
from pathlib import Path

# The last commit of each 0.x version (the commit before the one that bumped it).
RELEASES = {"0.1.0": "155a208^", "0.2.0": "2f4eca3^", "0.3.0": "5edaffb^", "0.4.0": "6c7be94"}
OUT = Path(__file__).resolve().parent / "api-0.x.json"


def _git(*args):
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def public_names(source):
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return sorted(ast.literal_eval(node.value))
    return sorted(node.name for node in tree.body
                  if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                  and not node.name.startswith("_"))


def main():
    api = {}
    for version, rev in RELEASES.items():
        modules = {}
        for path in _git("ls-tree", "--name-only", rev, "sklstm/").split():
            name = Path(path).stem
            if not path.endswith(".py") or name.startswith("_") and name != "__init__":
                continue
            names = public_names(_git("show", f"{rev}:{path}"))
            if names:
                modules["sklstm" if name == "__init__" else f"sklstm.{name}"] = names
        api[version] = modules
    OUT.write_text(json.dumps(api, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
