"""`python -m misper.risk [--policy NAME] FILE.json` (or `--batch FILE.jsonl`): see misper.risk.cli."""

from misper.risk.cli import main

raise SystemExit(main())
