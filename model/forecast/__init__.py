"""Bueno de Mesquita's expected-utility forecast: a second lens on the same actors (``peninsula forecast``).

``eum`` is the model over numpy arrays; ``options`` names its readings; ``tables`` reads actor tables and
scenarios; ``report`` prints and writes; ``validation`` and ``compare`` set it against the published EC case
and the agent model. It imports numpy only; nothing here imports Mesa except ``compare.deal_points``.
See docs/FORECAST.md.
"""
