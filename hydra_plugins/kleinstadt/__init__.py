"""kleinstadt's Hydra sweeper and launcher (``hydra/sweeper=kleinstadt``, ``hydra/launcher=kleinstadt``).

Hydra finds plugins only in the ``hydra_plugins`` namespace package, so they live here and not
under ``sim/``. The sweeper resumes a sweep folder, numbers jobs without collisions, records
failures and ends with one line; the launcher runs the jobs on local cores with one progress
line per finished job, composes each job's configuration cheaply and leaves no worker running
when the sweep is interrupted. See README.md, "Sweeps".
"""
