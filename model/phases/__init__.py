"""The phases of a month, one module each, in the order :mod:`model.simulation` calls them.

Each is ``phase(month, state) -> (state, records)`` over the replication
axis, pure: it changes no array in place and keeps nothing between calls
(:mod:`model.phases.month` says how a phase asks an actor to decide). The
formulas they apply (the payoff scale, paths, beliefs, the economy) are in
:mod:`model.rules`; what the phases read on the payoff scale is in
:mod:`model.phases.valuation`.
"""
