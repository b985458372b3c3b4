"""The registry of webhook endpoints, kept in the notice store beside the outbox.

Each endpoint has a secret of its own, in the Standard Webhooks form (`whsec_` and base64),
shown once when the endpoint is added; listings show it redacted.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from api.webhooks.addresses import Resolver, WebhookError, check_url, resolve
from projections.notices.kinds import NOTICE_TYPES
from projections.notices.store import NoticeStore
from projections.times import EPOCH, from_micros, to_micros

FORMATS = ("json", "wecom", "dingtalk")
ID_PATTERN = "ep_[0-9a-f]{16}"  # new_id's
_COLUMNS = (
    "id, url, format, events, communities, secret, robot_secret, allow_private, created_at,"
    " created_by, disabled_at, disabled_reason"
)


class UnknownEndpoint(WebhookError):
    """No endpoint has that id."""


@dataclass(frozen=True)
class Endpoint:
    id: str
    url: str
    format: str  # json | wecom | dingtalk
    events: tuple[str, ...]
    communities: tuple[str, ...]  # empty: every community
    secret: str  # signs the json format
    robot_secret: str | None  # a DingTalk robot's signing secret, if it has one
    allow_private: bool
    created_at: datetime
    created_by: str
    disabled_at: datetime | None
    disabled_reason: str | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def wants(self, notice_type: str, community: str) -> bool:
        return (
            self.active
            and notice_type in self.events
            and (not self.communities or community in self.communities)
        )

    def redacted_url(self) -> str:
        """The URL without its query (where WeCom and DingTalk put the robot's key) and
        without a user's name and password before the host."""
        return redacted_url(self.url)


def redacted_url(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "…@" + netloc.rsplit("@", 1)[1]
    shown = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return shown + ("?…" if parts.query else "")


def new_id() -> str:
    return "ep_" + secrets.token_hex(8)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def checked(
    url: str,
    events: Sequence[str],
    fmt: str,
    *,
    robot_secret: str | None,
    allow_private: bool,
    communities: Sequence[str] = (),
    known_communities: Collection[str] | None = None,
    resolver: Resolver = resolve,
) -> None:
    """Refuses what an endpoint may not be, saying what is allowed. `known_communities`:
    the registry's codes, which `communities` must be among (None: not checked)."""
    if fmt not in FORMATS:
        raise WebhookError(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
    if not events:
        raise WebhookError(f"name at least one event type: {', '.join(NOTICE_TYPES)}")
    unknown = [e for e in events if e not in NOTICE_TYPES]
    if unknown:
        raise WebhookError(f"unknown event type {unknown[0]!r}; allowed: {', '.join(NOTICE_TYPES)}")
    if robot_secret is not None and fmt != "dingtalk":
        raise WebhookError("a robot secret is for the dingtalk format only")
    if robot_secret is not None and not robot_secret.strip():
        raise WebhookError("the robot secret is empty; leave it out if the robot has none")
    if known_communities is not None:
        strange = [c for c in communities if c not in known_communities]
        if strange:
            raise WebhookError(
                f"unknown community {strange[0]!r}; known: {', '.join(sorted(known_communities))}"
            )
    check_url(url, allow_private=allow_private, resolver=resolver)


def add_endpoint(
    store: NoticeStore,
    url: str,
    events: Sequence[str],
    *,
    fmt: str = "json",
    communities: Sequence[str] = (),
    robot_secret: str | None = None,
    allow_private: bool = False,
    known_communities: Collection[str] | None = None,
    by: str,
    now: datetime,
    resolver: Resolver = resolve,
) -> Endpoint:
    """Registers an endpoint; the answer holds its secret, shown this once."""
    checked(
        url,
        events,
        fmt,
        robot_secret=robot_secret,
        allow_private=allow_private,
        communities=communities,
        known_communities=known_communities,
        resolver=resolver,
    )
    endpoint = Endpoint(
        id=new_id(),
        url=url,
        format=fmt,
        events=tuple(dict.fromkeys(events)),
        communities=tuple(dict.fromkeys(communities)),
        secret=new_secret(),
        robot_secret=robot_secret,
        allow_private=allow_private,
        created_at=now,
        created_by=by,
        disabled_at=None,
        disabled_reason=None,
    )
    store.execute(
        [
            (
                f"INSERT INTO wh_endpoints ({_COLUMNS}) VALUES ({', '.join('?' * 12)})",
                [
                    (
                        endpoint.id,
                        endpoint.url,
                        endpoint.format,
                        json.dumps(endpoint.events),
                        json.dumps(endpoint.communities),
                        endpoint.secret,
                        endpoint.robot_secret,
                        int(endpoint.allow_private),
                        to_micros(now),
                        by,
                        None,
                        None,
                    )
                ],
            )
        ]
    )
    return endpoint


def endpoints(store: NoticeStore) -> list[Endpoint]:
    rows = store.query(f"SELECT {_COLUMNS} FROM wh_endpoints ORDER BY created_at, id")
    return [_endpoint(row) for row in rows]


def endpoint(store: NoticeStore, endpoint_id: str) -> Endpoint:
    rows = store.query(f"SELECT {_COLUMNS} FROM wh_endpoints WHERE id = ?", (endpoint_id,))
    if not rows:
        raise UnknownEndpoint(f"no webhook endpoint has the id {endpoint_id!r}")
    return _endpoint(rows[0])


def remove_endpoint(store: NoticeStore, endpoint_id: str) -> Endpoint:
    """Removes the endpoint; its deliveries stay in the log, those still pending marked
    failed."""
    found = endpoint(store, endpoint_id)
    store.execute(
        [
            (
                "UPDATE wh_deliveries SET status = 'failed', next_attempt_at = NULL,"
                " last_error = 'the endpoint was removed' WHERE endpoint_id = ?"
                " AND status = 'pending'",
                [(endpoint_id,)],
            ),
            ("DELETE FROM wh_endpoints WHERE id = ?", [(endpoint_id,)]),
        ]
    )
    return found


def disable_endpoint(store: NoticeStore, endpoint_id: str, reason: str, now: datetime) -> None:
    store.execute(
        [
            (
                "UPDATE wh_endpoints SET disabled_at = ?, disabled_reason = ?"
                " WHERE id = ? AND disabled_at IS NULL",
                [(to_micros(now), reason, endpoint_id)],
            )
        ]
    )


def _endpoint(row: Mapping[str, Any]) -> Endpoint:
    created = EPOCH + timedelta(microseconds=int(row["created_at"]))
    return Endpoint(
        id=str(row["id"]),
        url=str(row["url"]),
        format=str(row["format"]),
        events=tuple(json.loads(row["events"])),
        communities=tuple(json.loads(row["communities"])),
        secret=str(row["secret"]),
        robot_secret=row["robot_secret"],
        allow_private=bool(row["allow_private"]),
        created_at=created,
        created_by=str(row["created_by"]),
        disabled_at=from_micros(row["disabled_at"]),
        disabled_reason=row["disabled_reason"],
    )
