"""One sweep per output folder: an ``fcntl.flock`` held on ``OUT/sweep.lock`` for the sweep's whole life.

The kernel drops the lock when its holder exits, however it exits (``kill -9``
included), so a free lock is proof that no sweep is writing the folder: a
manifest that still says ``running`` then belongs to a sweep that was killed.
The lock file holds the holder's process id, for the message a second sweep
gets. (``flock`` is advisory and local: a folder shared over NFS by two
machines is not protected.)
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from model.core.errors import InputError

LOCK = "sweep.lock"


class FolderLock:
    """The held lock of one output folder; release it with :meth:`release` (or let the process end)."""

    def __init__(self, out: Path) -> None:
        self.path = out / LOCK
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise InputError(str(out), "--out", f"cannot create the lock file {LOCK}: {err.strerror}") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(self.fd)
            os.close(self.fd)
            raise busy(out, holder) from None
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{os.getpid()}\n".encode())

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def busy(out: Path, holder: int | None) -> InputError:
    who = f"process {holder}" if holder else "another process"
    problem = f"another sweep ({who}) is running in this folder; wait for it to end, or give another folder"
    return InputError(str(out), "--out", problem)


def refuse_if_held(out: Path) -> None:
    """Stop at once, naming the holder, if a live sweep holds the folder (checked before anything else)."""
    if is_held(out):
        try:
            holder = int((out / LOCK).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            holder = None
        raise busy(out, holder)


def is_held(out: Path) -> bool:
    """Whether a live process holds the folder's lock (without taking it for more than an instant)."""
    path = out / LOCK
    if not path.is_file():
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
