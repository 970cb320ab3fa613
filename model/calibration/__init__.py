"""Calibration on the historical record: which assumptions matter, and what the record says about them.

``prior``: the assumption-level parameters a calibration may move and their ranges;
``simulate``: the historical cases run for many parameter sets at once, and the distance to the record;
``smc``: a Sobol screen for the influential parameters, then ABC-SMC with checkpoints;
``posterior``: the posterior file, its model fingerprint, and one posterior draw per replication.
"""
