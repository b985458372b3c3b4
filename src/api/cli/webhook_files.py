"""The webhook lists' machine forms: `webhook list` and `webhook deliveries` as json, csv
or an xlsx workbook with Chinese headers, on standard output or in a file of their own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.output_files import deliver
from api.report_files.formats import list_file
from api.terminal.consoles import output_console

HEADERS = {
    "id": "编号",
    "url": "地址",
    "format": "格式",
    "events": "通知类型",
    "communities": "小区",
    "has_robot_secret": "机器人密钥",
    "allow_private": "允许内网地址",
    "active": "启用",
    "disabled_at": "停用时间",
    "disabled_reason": "停用原因",
    "created_at": "创建时间",
    "created_by": "添加人",
    "endpoint": "推送地址",
    "type": "通知类型",
    "case_id": "工单ID",
    "case_number": "工单号",
    "status": "状态",
    "attempts": "尝试次数",
    "last_status": "最后应答",
    "last_error": "最后错误",
    "last_attempt_at": "最后尝试",
    "next_attempt_at": "下次尝试",
    "delivered_at": "送达时间",
}


class WebhookListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


WebhookFormatOption = Annotated[
    WebhookListFormat,
    typer.Option("--format", help="table on the terminal, or json, csv, xlsx (with --output)"),
]


def write_list(
    title: str,
    fields: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    fmt: WebhookListFormat,
    output: Path | None,
    *,
    force: bool,
) -> None:
    """json keeps a list as a list; csv and xlsx join its items in one cell."""
    content = list_file(title, fields, rows, fmt.value, headers=HEADERS)
    deliver(content, output, force=force, console=output_console())
