"""kleinstadt: an agent-based simulation of how a German small town (Kleinstadt) develops.

Build a configuration, run it, look at the results::

    from sim.config import Config
    from sim.run import run_simulation

    result = run_simulation(Config(years=20, seed=1))  # the built-in peripheral town
    print(result.metrics[["year", "population", "median_age"]])

On the command line: ``python -m sim`` (see README.md).
"""

__version__ = "0.1.0"
