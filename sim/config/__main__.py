"""``python -m sim.config``: print the parameter table, or write it into docs/ODD.md.

Usage::

    python -m sim.config                    # Markdown, as in docs/ODD.md §7.12
    python -m sim.config --format csv       # path,default,min,max,unit,role,source
    python -m sim.config --write-odd        # regenerate the table in docs/ODD.md
"""

from __future__ import annotations

import argparse
import sys

from sim.config.table import csv_table, markdown_table, write_odd_table


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and print or write the table."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.config", description="kleinstadt's parameter table"
    )
    parser.add_argument("--format", choices=("markdown", "csv"), default="markdown")
    parser.add_argument(
        "--write-odd", action="store_true", help="write the table into docs/ODD.md §7.12"
    )
    args = parser.parse_args(argv)
    if args.write_odd:
        write_odd_table()
    elif args.format == "csv":
        sys.stdout.write(csv_table())
    else:
        print(markdown_table())


if __name__ == "__main__":
    main()
