"""The ``misper`` console script.

``misper assess …`` runs the pure-Python risk engine without starting Django (it is fast and needs no
database). Every other subcommand is a Django management command: ``misper token``, ``misper seed``,
``misper migrate``, ``misper serve`` and so on.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "assess":
        from misper.risk.cli import main as assess_main

        return assess_main(args[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "misper.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["misper", *args[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
