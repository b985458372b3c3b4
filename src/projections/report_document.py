"""What a report is, apart from how it is counted: its columns, its rows and the document
every form of it (table, JSON, CSV, xlsx; command line and HTTP) is made from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from projections.asof import Period

# Each report's columns in order, with the heading its spreadsheets (CSV, xlsx) give them.
SLA_COLUMNS = {
    "kind": "类型",
    "priority": "优先级",
    "milestone": "节点",
    "met": "达标",
    "breached": "超时",
    "pending": "进行中",
    "attainment": "达标率",
    "p50_minutes": "用时中位数(分钟)",
    "p90_minutes": "用时90分位(分钟)",
    "late_stops": "补录终止",
}
FIRST_CONTACT_COLUMNS = {
    "staff": "员工",
    "received": "受理",
    "owned": "负责",
    "open": "未结",
    "closed": "已结",
    "overdue": "超时未结",
    "handed_over": "转交",
    "resolved_at_first_contact": "首问解决",
    "urged": "催办",
    "satisfaction_rate": "满意率",
}
SLA_FIELDS = tuple(SLA_COLUMNS)
FIRST_CONTACT_FIELDS = tuple(FIRST_CONTACT_COLUMNS)

# The one way a report is grouped: a block of rows per community, in code order, then the
# total over the same cases. A grouped report's rows begin with this column; the total's
# rows have None in it (JSON null), which no community code can be.
GROUP_BY = ("community",)
GROUP_COLUMNS = {"community": "小区"}


def is_grouped(group_by: str | None) -> bool:
    """Whether a report is grouped; ValueError for a grouping there is not."""
    if group_by is not None and group_by not in GROUP_BY:
        allowed = ", ".join(repr(g) for g in GROUP_BY)
        raise ValueError(f"group_by {group_by!r}: the only grouping is {allowed}")
    return group_by is not None


def block_order(community: str | None) -> tuple[bool, str]:
    """Blocks in community-code order, the total last."""
    return (community is None, community or "")


def in_block(community: str | None, row: dict[str, Any], grouped: bool) -> dict[str, Any]:
    return {"community": community, **row} if grouped else row


@dataclass
class Report:
    title: str
    policy: str
    effective: str
    period: Period
    as_of: datetime
    estimated: bool
    fields: tuple[str, ...]
    rows: list[dict[str, Any]]
    communities: tuple[str, ...] | None = None  # the cases of these alone; None: all
    group_by: str | None = None  # "community": a block of rows per community, then the total
    # The communities' own policies that judged at least one of its milestones.
    versions: tuple[dict[str, Any], ...] = ()

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "report": self.title,
            "communities": list(self.communities) if self.communities is not None else None,
        }
        # Only a grouped document names its grouping: an ungrouped one stays as it was
        # before reports could be grouped, key for key.
        if self.group_by is not None:
            document["group_by"] = self.group_by
        policy: dict[str, Any] = {"name": self.policy, "effective": self.effective}
        if self.versions:  # none: every milestone was judged under the deployment's policy
            policy["communities"] = list(self.versions)
        return document | {
            "policy": policy,
            "period": {
                "from": self.period.start.isoformat(),
                "to": self.period.end.isoformat(),
                "timezone": "Asia/Shanghai",
            },
            "as_of": self.as_of.isoformat(),
            "calendar_estimated": self.estimated,
            "rows": self.rows,
        }
