"""The one error type for bad input: it names the file, the key, the value and what is allowed."""

from __future__ import annotations

from typing import Any


class InputError(Exception):
    """Bad input from a user: the CLI prints it without a traceback and exits with code 2."""

    def __init__(self, file: str, key: str, problem: str, value: Any = None) -> None:
        self.file, self.key, self.problem, self.value = file, key, problem, value
        where = f"{file}: {key}" if key else file
        shown = "" if value is None else f" = {_short(repr(value))}"
        super().__init__(one_line(f"{where}{shown}: {problem}"))


def one_line(text: str) -> str:
    r"""Escape what would break a one-line message (newlines, control characters) as Python would write them.

    >>> one_line("a\nb\x1e")
    'a\\nb\\x1e'
    """
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class OutputError(Exception):
    """An output folder cannot be written (disk full, no permission): the CLI names it, exits 1, no traceback.

    Not bad input (exit 2): the same command succeeds once space or permission is back, and a sweep
    then resumes with every finished chunk kept.
    """

    def __init__(self, folder: str, action: str, err: OSError) -> None:
        self.folder, self.err = folder, err
        reason = err.strerror or str(err)
        super().__init__(one_line(f"{folder}: cannot {action}: {reason} (errno {err.errno})"))
