"""The Chinese words of the WeCom and DingTalk messages: what happened, to which milestone,
of which kind of case. The milestones' and kinds' names are the console's own (its zh_CN
catalogue); a test keeps the two alike. A code without a name here is shown as it is."""

from __future__ import annotations

from projections.notices import kinds

WEBHOOK_TEST = "webhook.test"  # the type of the message `propdesk webhook test` sends

HEADLINES = {
    kinds.AT_RISK: "工单即将超时",
    kinds.BREACHED: "工单已超时",
    kinds.MET: "工单按时完成节点",
    kinds.MILESTONE_CANCELLED: "工单节点已取消",
    kinds.CASE_RECEIVED: "新工单",
    kinds.CASE_DISPATCHED: "工单已派单",
    kinds.CASE_COMPLETED: "工单已完工",
    kinds.CASE_CLOSED: "工单已关闭",
    kinds.CASE_REOPENED: "工单已重开",
    kinds.CASE_CANCELLED: "工单已撤销",
    WEBHOOK_TEST: "测试消息",
}

MILESTONES = {
    "dispatch": "派单",
    "on_site": "到场",
    "first_reply": "首次答复",
    "review": "审批",
    "completion": "完成",
    "acceptance": "验收",
    "callback": "回访",
    "claim": "认领",
}

KINDS = {"repair": "报修", "complaint": "投诉", "renovation": "装修申报"}


def headline(notice_type: str) -> str:
    return HEADLINES.get(notice_type, notice_type)


def milestone_name(code: str) -> str:
    return MILESTONES.get(code, code)


def kind_name(code: str) -> str:
    return KINDS.get(code, code)
