"""Asked of every Dask worker before a sweep starts: which peninsula does it have?

This function is sent by value (cloudpickle), so a worker without the package
can still run it and answer with the ImportError, instead of failing to read
the first task and leaving the sweep waiting. It must not reference anything
at module level.
"""

from __future__ import annotations


def identity() -> tuple[str, str]:
    """(package version, code fingerprint) as this worker would run the model."""
    import model
    from model.results.manifest import code_fingerprint

    return model.__version__, code_fingerprint()
