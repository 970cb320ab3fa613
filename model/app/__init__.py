"""The browser app (``peninsula app``): one model in the browser, with a student's seat.

:mod:`model.app.controls` turns the app's controls into ``--set`` overrides,
:mod:`model.app.run` is the Mesa model the page drives, :mod:`model.app.page`
the Solara page (needs the ``app`` extra), :mod:`model.app.serve` the command.
Above the core: nothing in the model imports this package.
"""
