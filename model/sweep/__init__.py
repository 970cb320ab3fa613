"""Parameter sweeps: experiment files, designs, seeded batched execution, chunked Parquet output.

The layers import one way: :mod:`experiment` (validated data) -> :mod:`design`
(design points and seeds) -> :mod:`execute` (one chunk of runs, batched into
Mesa models) -> :mod:`store` (Parquet chunks and manifest) -> :mod:`runner`
(serial, process pool or Dask, with resume and progress). The simulation core
imports nothing from here. Importing this package does no work.
"""
