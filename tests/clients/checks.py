"""What every client script shares: `check`, which counts the checks and stops the script at
the first that fails (exit 1, "FAILED: what"), and `count`, how many ran; a script prints
"all ok" last when every check passed."""

import sys

_count = 0


def check(cond, what):
    global _count
    _count += 1
    if not cond:
        print(f"FAILED: {what}", flush=True)
        sys.exit(1)


def count():
    return _count
