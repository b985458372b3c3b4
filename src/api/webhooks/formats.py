"""What a delivery sends, in each endpoint's format: the URL, the headers and the body.

No personal data leaves: a notice names its case by id (and number), community and
milestone, never the reporter, their phone or the description.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from api.webhooks.endpoints import Endpoint
from api.webhooks.labels import headline, kind_name, milestone_name
from api.webhooks.signing import dingtalk_signed_url, standard_signature
from projections.notices.kinds import Notice


@dataclass(frozen=True)
class Message:
    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def case_link(public_url: str | None, case_id: str) -> str | None:
    return None if public_url is None else f"{public_url}/console/cases/{case_id}"


def message(
    endpoint: Endpoint,
    notice: Notice,
    webhook_id: str,
    now: datetime,
    *,
    zone: ZoneInfo,
    public_url: str | None,
    number: str | None = None,
) -> Message:
    """The request for one attempt: signed at `now`, so each attempt is signed anew."""
    link = case_link(public_url, notice.case_id)
    if endpoint.format == "wecom":
        content = "\n".join(_lines(notice, zone, link, number))
        document: dict[str, Any] = {"msgtype": "markdown", "markdown": {"content": content}}
        return Message(endpoint.url, _encoded(document), _JSON)
    if endpoint.format == "dingtalk":
        title = headline(notice.type)
        text = "\n\n".join(_lines(notice, zone, link, number))
        document = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        url = endpoint.url
        if endpoint.robot_secret:
            milliseconds = int(now.timestamp() * 1000)
            url = dingtalk_signed_url(url, endpoint.robot_secret, milliseconds)
        return Message(url, _encoded(document), _JSON)
    body = _encoded(standard_document(notice, zone, link, number))
    seconds = int(now.timestamp())
    headers = {
        **_JSON,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(seconds),
        "webhook-signature": standard_signature(endpoint.secret, webhook_id, seconds, body),
    }
    return Message(endpoint.url, body, headers)


def standard_document(
    notice: Notice, zone: ZoneInfo, link: str | None, number: str | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "notice_id": notice.id,
        "case_id": notice.case_id,
        "case_number": number,
        "community": notice.community,
        "kind": notice.kind,
        "milestone": notice.milestone,
        "run": notice.run,
        "due_at": _iso(notice.due_at, zone),
        "at": _iso(notice.at, zone),
        "late": notice.late,
    }
    if link is not None:
        data["link"] = link
    return {"type": notice.type, "timestamp": _iso(notice.at, zone), "data": data}


_JSON = {"content-type": "application/json; charset=utf-8"}


def _encoded(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat()


def _lines(notice: Notice, zone: ZoneInfo, link: str | None, number: str | None) -> list[str]:
    """Markdown both robots show: a bold headline, then one fact a line."""
    lines = [f"**{headline(notice.type)}**"]
    lines.append(f"> 小区：{notice.community}")
    lines.append(f"> 工单：{number or notice.case_id}（{kind_name(notice.kind)}）")
    if notice.milestone:
        run = f"（第 {notice.run} 轮）" if notice.run > 1 else ""
        lines.append(f"> 节点：{milestone_name(notice.milestone)}{run}")
    if notice.due_at is not None:
        lines.append(f"> 时限：{notice.due_at.astimezone(zone):%Y-%m-%d %H:%M}")
    if link is not None:
        lines.append(f"[查看工单]({link})")
    return lines
