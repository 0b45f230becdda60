"""Tests for sklstm._utils.progress: a bar where a person watches, lines in a log."""

import io
import sys
import types

from sklstm._utils.progress import in_notebook, interactive


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_is_watched_and_a_file_or_pipe_is_not(tmp_path):
    assert interactive(_Terminal())
    assert not interactive(io.StringIO())
    with open(tmp_path / "log", "w") as f:
        assert not interactive(f)
    closed = io.StringIO()
    closed.close()
    assert not interactive(closed) and not interactive(object())


def test_a_jupyter_kernel_is_watched_whatever_its_streams(monkeypatch):
    ZMQInteractiveShell = type("ZMQInteractiveShell", (), {})
    ColabShell = type("Shell", (ZMQInteractiveShell,), {})  # Google Colab's derives from it
    TerminalInteractiveShell = type("TerminalInteractiveShell", (), {})
    for shell, expected in ((ZMQInteractiveShell(), True), (ColabShell(), True),
                            (TerminalInteractiveShell(), False), (None, False)):
        fake = types.SimpleNamespace(get_ipython=lambda shell=shell: shell)
        monkeypatch.setitem(sys.modules, "IPython", fake)
        assert in_notebook() is expected
        assert interactive(io.StringIO()) is expected
    monkeypatch.delitem(sys.modules, "IPython")
    assert not in_notebook()


def test_the_bar_is_the_text_bar_outside_notebooks(monkeypatch):
    import tqdm

    from sklstm._utils import progress

    with progress.progress_bar(range(3), disable=True) as bar:
        assert type(bar) is tqdm.tqdm and list(bar) == [0, 1, 2]
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    monkeypatch.setattr(progress.importlib.util, "find_spec", lambda name: None)  # no widgets
    with progress.progress_bar(total=3, disable=True) as bar:
        assert type(bar) is tqdm.tqdm  # tqdm's widget bar would fail without ipywidgets
