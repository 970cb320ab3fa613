"""Another commit of this repository, checked out beside it for a comparison (a temporary git worktree).

The comparison scripts (``speed_against.py``, ``same_behaviour.py``) run the
other commit's model in a child process of the same interpreter, so only the
model's code differs.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def checkout(ref: str) -> Iterator[Path]:
    """The tree of commit ``ref`` in a temporary worktree, removed afterwards whatever happens."""
    with tempfile.TemporaryDirectory() as scratch:
        other = Path(scratch) / "other"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(other), ref], check=True)
        try:
            yield other
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=True)
