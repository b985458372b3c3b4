"""Read-model contents in a comparable form."""

from __future__ import annotations

from typing import Any

from projections.store import ReadModelStore

ORDER = {
    "rm_case_index": "case_id",
    "rm_milestones": "case_id, name",
    "rm_staff": "staff",
    "rm_timeline": "position",
}


def dump(store: ReadModelStore) -> dict[str, list[dict[str, Any]]]:
    return {
        table: [dict(row) for row in store.query(f"SELECT * FROM {table} ORDER BY {order}")]
        for table, order in ORDER.items()
    } | {"position": [{"position": store.position()}]}
