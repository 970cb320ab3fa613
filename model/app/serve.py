"""``peninsula app``: check the request, then serve the page with Solara.

Everything that can be wrong with the request is found before a server starts,
and named in one line (an :class:`~model.core.errors.InputError`, exit code 2): an
unknown scenario, a port that is taken, Solara missing because the ``app``
extra is not installed, class mode missing. Nothing here imports Solara or
Mesa at module level, so ``peninsula --help`` stays fast without the extra.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys

from model.core.errors import InputError

APP_MODULE = "model.app.page"
SCENARIO_ENV = "PENINSULA_APP_SCENARIO"
"""Where the page finds the scenario to start with (the page is served by ``solara run``, another process)."""
EXTRA_HINT = 'install the app extra: pip install -e ".[app]"'


def serve_app(scenario: str, host: str, port: int) -> int:
    """Serve the single-user app on ``host:port`` until interrupted; returns the server's exit code."""
    check_scenario(scenario)
    check_port(host, port)
    require_solara()
    env = os.environ | {SCENARIO_ENV: scenario}
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # no calls home from a classroom
    print(f"Peninsula app on http://{host}:{port} (Ctrl-C stops it)", flush=True)
    command = [sys.executable, "-m", "solara", "run", APP_MODULE, "--host", host, "--port", str(port), "--no-open"]
    return subprocess.call(command, env=env)


def serve_class(scenario: str, host: str, port: int, deadline: float | None) -> int:
    """Class mode: hand over to :mod:`model.teaching.classroom_web` after the same checks."""
    if importlib.util.find_spec("model.teaching.classroom_web") is None:
        raise InputError("--class", "", "class mode is not part of this installation (no model.classroom_web)")
    check_scenario(scenario)
    check_port(host, port)
    from model.teaching import classroom_web

    result = classroom_web.serve(scenario=scenario, host=host, port=port, deadline=deadline)
    return result if isinstance(result, int) else 0


def require_solara() -> None:
    """The app's packages: Solara, and its assets (without them an offline page stays blank)."""
    for module, package in (("solara", "solara"), ("solara_assets", "solara-assets")):
        if importlib.util.find_spec(module) is None:
            raise InputError("peninsula app", "", f"{package} is not installed; {EXTRA_HINT}")


def check_scenario(scenario: str) -> None:
    """Load the scenario once, so a typo fails here with the loader's message, not in the browser."""
    from model.scenario.loader import load_scenario, resolve

    load_scenario(resolve(scenario))


def check_port(host: str, port: int) -> None:
    """Refuse a port that another program holds (checked by binding it for a moment)."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, port))
    except OSError as err:
        raise InputError("--port", "", f"cannot listen on {host}:{port}: {err.strerror or err}") from None
