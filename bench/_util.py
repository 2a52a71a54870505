"""Small helpers shared by the benchmark scripts."""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def use_src() -> None:
    """Import heard from the working tree without installing it."""
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def print_json(obj: dict) -> None:
    print(json.dumps(obj, sort_keys=False))
