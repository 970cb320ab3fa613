"""The model's rules: pure functions over arrays whose leading axis is the replication.

Each rule reads arrays and returns new arrays (or fills the ones it is given);
none keeps state, draws from a global generator or knows how it is run. A
single run is a batch of one.
"""
