"""Analysis of a sweep folder: rates by design cell, sensitivity indices, plots.

Kept apart from the sweep runner and the simulation core; pandas, matplotlib
and SALib are imported only inside the functions that need them.
"""

from model.analysis.main import AnalysisResult, analyze

__all__ = ["AnalysisResult", "analyze"]
