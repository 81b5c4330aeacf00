"""``python -m sim.config``: print the parameter table, or write it into docs/ODD.md."""

from __future__ import annotations

import sys

from sim.config.table import markdown_table, write_odd_table

if "--write-odd" in sys.argv:
    write_odd_table()
else:
    print(markdown_table())
