"""Run: the batch: code keys, worker pools (local processes, warm kernels, Dask), the national batch,
the published site and the scaffold of a new collaborative.

May import: every layer below: ``core`` to ``reports``.
Must not import: cli.
"""
