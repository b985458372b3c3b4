"""What-if: the same history judged by the live policy and by a candidate, side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from projections.report_document import SLA_FIELDS, Report

# Every figure of an SLA row; its first three fields name the row.
COMPARED = SLA_FIELDS[3:]


@dataclass(frozen=True)
class Comparison:
    live: Report
    candidate: Report
    rows: list[dict[str, Any]]  # one per (kind, priority, milestone) in either report

    @property
    def differences(self) -> list[dict[str, Any]]:
        return [row for row in self.rows if row["changed"]]

    def document(self) -> dict[str, Any]:
        return {
            "live": self.live.document(),
            "candidate": self.candidate.document(),
            "differences": self.differences,
        }


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    return (row["kind"], row["priority"], row["milestone"])


def compare(live: Report, candidate: Report) -> Comparison:
    before = {_key(r): r for r in live.rows}
    after = {_key(r): r for r in candidate.rows}
    rows = []
    for key in list(before) + [k for k in after if k not in before]:
        old, new = before.get(key), after.get(key)
        changed = [f for f in COMPARED if (old or {}).get(f) != (new or {}).get(f)]
        if old is None or new is None:
            changed = ["milestone only in " + ("candidate" if old is None else "live")]
        rows.append(
            {
                "kind": key[0],
                "priority": key[1],
                "milestone": key[2],
                **{f"live_{f}": (old or {}).get(f) for f in COMPARED},
                **{f"candidate_{f}": (new or {}).get(f) for f in COMPARED},
                "changed": changed,
            }
        )
    return Comparison(live, candidate, rows)
