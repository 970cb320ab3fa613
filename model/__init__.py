"""Peninsula: an agent-based negotiation game of the Korean Peninsula nuclear talks.

Importing the package does no work: the Mesa model lives in
:mod:`model.simulation` and is imported only by the commands that run it.
"""

__version__ = "0.1.0"
