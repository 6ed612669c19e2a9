"""``make bench``: every ``bench/bench_*.py`` in turn, then ``bench: N of M goals met``.

Each benchmark prints one line per figure, ending in ``OK`` or ``MISSED`` where the figure has a goal;
this runner counts those and exits non-zero when any goal is missed (or a benchmark fails to run).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    met = total = 0
    failed_to_run = []
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    for script in sorted(HERE.glob("bench_*.py")):
        result = subprocess.run(  # noqa: S603 - our own scripts
            [sys.executable, str(script)], capture_output=True, text=True, env=env, check=False
        )
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        for line in lines:
            print(line)
            if line.endswith((" OK", " MISSED")):
                total += 1
                met += line.endswith(" OK")
        if result.returncode not in (0, 1) or not lines:
            failed_to_run.append(script.name)
            reason = result.stderr.strip().splitlines()[-1:] or result.returncode
            print(f"{script.name}: failed to run: {reason}")
    print(f"bench: {met} of {total} goals met")
    return 0 if met == total and not failed_to_run else 1


if __name__ == "__main__":
    sys.exit(main())
