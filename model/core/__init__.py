"""The ground every other part stands on: the actors, issues and proposals, the state, the parameters, the draws,
the typed records of what happened, and errors. It imports nothing else of the project."""
