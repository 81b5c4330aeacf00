"""``python -m sim``: run the default simulation (see sim/cli.py)."""

from sim.cli import main

main()
