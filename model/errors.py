"""The one error type for bad input: it names the file, the key, the value and what is allowed."""

from __future__ import annotations

from typing import Any


class InputError(Exception):
    """Bad input from a user: the CLI prints it without a traceback and exits with code 2."""

    def __init__(self, file: str, key: str, problem: str, value: Any = None) -> None:
        self.file, self.key, self.problem, self.value = file, key, problem, value
        where = f"{file}: {key}" if key else file
        shown = "" if value is None else f" = {value!r}"
        super().__init__(f"{where}{shown}: {problem}")


class OutputError(Exception):
    """An output folder cannot be written (disk full, no permission): the CLI names it, exits 1, no traceback.

    Not bad input (exit 2): the same command succeeds once space or permission is back, and a sweep
    then resumes with every finished chunk kept.
    """

    def __init__(self, folder: str, action: str, err: OSError) -> None:
        self.folder, self.err = folder, err
        reason = err.strerror or str(err)
        super().__init__(f"{folder}: cannot {action}: {reason} (errno {err.errno})")
