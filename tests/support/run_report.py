"""A test run's numbers: one line on stdout, and a JSON line appended to the file that
$PROPDESK_LOAD_REPORT names, if set.
"""

from __future__ import annotations

import json
import os
from typing import Any


def report(test: str, summary: dict[str, Any]) -> None:
    """One line on stdout; a JSON line appended to $PROPDESK_LOAD_REPORT if set."""
    print(
        f"\n{test}[{summary['backend']}]: "
        + ", ".join(f"{k}={v}" for k, v in summary.items() if k != "backend")
    )
    summary = {"test": test, **summary}
    path = os.environ.get("PROPDESK_LOAD_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(summary) + "\n")
