"""Collection rules for the whole repository (the doctests of ``model/`` included).

The browser app's page imports Solara, which only the optional ``app`` extra installs: without it,
its doctest collection is skipped rather than failing the base install's test run.
"""

from importlib.util import find_spec

collect_ignore = [] if find_spec("solara") else ["model/app/page.py"]
