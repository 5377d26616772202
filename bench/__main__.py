"""``make bench``: run every benchmark under bench/ in turn; each writes bench/results/NAME.json.

Benchmarks are scripts with a ``__main__`` block; they are run as separate processes so that each
one's peak memory is its own. Pass names to run a subset: ``python -m bench engine``. The load test
(bench/load.py, 5 minutes) is not in the default list: ``python -m bench load --users 50 --seconds 300``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# In the order they run. The database benchmarks use misper_national, or build a smaller database the
# first time if it is absent (bench/common.py; docs/performance.md).
BENCHMARKS = ["engine", "find_child", "intake", "board", "dashboard", "alerts", "linkage"]


def main(argv: list[str]) -> int:
    # Names, then options for them: `python -m bench load --users 50 --seconds 300`.
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names, options = argv[:first_option] or BENCHMARKS, argv[first_option:]
    failed = []
    for name in names:
        started = time.monotonic()
        print(f"== bench {name}", flush=True)
        if subprocess.run([sys.executable, str(HERE / f"{name}.py"), *options], check=False).returncode != 0:
            failed.append(name)
        print(f"== bench {name} took {time.monotonic() - started:.1f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
