"""Response bodies: what the API answers. Kept apart from the domain's events and read models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.http.fields import CommunityCode
from api.storage.tokens import check_name

MilestoneStatus = Literal["met", "breached", "pending", "paused", "not_started", "excluded"]


class Milestone(BaseModel):
    name: str = Field(examples=["dispatch"])
    status: MilestoneStatus = Field(
        description="met or breached once stopped; pending while running within target; "
        "paused while on hold; breached as soon as over target; not_started; excluded when "
        "the case ended without it (cancelled, invalid)"
    )
    due_at: datetime | None = Field(description="when the target runs out; null while paused")
    target: str = Field(examples=["30m"])
    clock: Literal["24x7", "business"]
    started_at: datetime | None
    stopped_at: datetime | None


class Reporter(BaseModel):
    """Personal data: agents and supervisors see it, workers on the cases assigned to them."""

    name: str
    phone: str | None


class CaseSummary(BaseModel):
    id: UUID
    kind: str = Field(examples=["repair"])
    state: str = Field(examples=["dispatched"])
    version: int = Field(description="also the ETag of the case")
    community: str = Field(description="the community's code", examples=["sunny-garden"])
    number: str | None = Field(
        description="工单号, to read out over the phone; null only for a store that keeps none",
        examples=["BX-20261206-0042"],
    )
    category: str
    priority: str
    location: str
    channel: str
    first_contact_owner: str | None = Field(
        description="首问人: owns the case until it closes; null while a case received "
        "unowned (a self-service request) is unclaimed"
    )
    received_by: str | None = Field(
        description="who first received it; null for a self-service request, received "
        "unowned: its first-contact owner is whoever claimed it"
    )
    assignee: str | None
    received_at: datetime
    milestones: list[Milestone]


class Case(CaseSummary):
    area: str
    description: str
    details: dict[str, str]
    team: str | None
    hold_reason: str | None
    last_occurred_at: datetime
    allowed_commands: list[str] = Field(examples=[["dispatch", "hold", "handover", "cancel"]])
    quoted_amount: str | None
    quote_accepted: bool
    resolution: str | None
    callbacks: list[str] = Field(description="each callback's outcome, oldest first")
    handovers: int
    claimed_by: str | None = Field(
        description="认领: who claimed the case, received unowned (null otherwise and until "
        "claimed); its first-contact owner from then, until a handover"
    )
    claimed_at: datetime | None = Field(description="when it was claimed")
    urges: int = Field(description="催办: how often the resident chased the case")
    permit_no: str | None
    deposit: str | None
    fee: str | None
    inspections: int
    violations: list[str]
    refunded: str | None
    withheld: str | None
    end_reason: str | None
    ended_at: datetime | None
    reporter: Reporter | None = Field(
        description="for agent and supervisor tokens, and worker tokens on the cases assigned "
        "to them; null for others or when erased"
    )
    reporter_erased_at: datetime | None = Field(
        description="when the reporter's personal data was erased (PIPL; `reporter` is null "
        "from then on, for every token); null while it is kept or when the case has none"
    )


class CasePage(BaseModel):
    items: list[CaseSummary]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class HistoryEvent(BaseModel):
    position: int | None = Field(
        description="the event's log position; null while the read models have not reached it"
    )
    version: int
    type: str = Field(examples=["Dispatched"])
    occurred_at: datetime
    recorded_at: datetime
    actor: str
    note: str
    late: bool = Field(description="a late entry: recorded with a reason for being late")
    late_reason: str | None = Field(description="why it was entered late; null when on time")
    data: dict[str, Any] = Field(examples=[{"assignee": "eng-wang", "team": "engineering"}])


class History(BaseModel):
    case_id: UUID
    number: str | None = Field(description="工单号", examples=["BX-20261206-0042"])
    events: list[HistoryEvent]


class FeedEvent(BaseModel):
    position: int
    case_id: UUID
    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str
    late: bool = Field(
        description="a late entry; its reason is free text, shown in the case's history only"
    )
    data: dict[str, Any] = Field(
        description="structured fields only: no personal data, no free text"
    )


class EventFeed(BaseModel):
    events: list[FeedEvent]
    next: int = Field(description="pass as `after` for the following events")


class ReportPolicy(BaseModel):
    name: str
    effective: str


class ReportPeriod(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", examples=["2026-11-01"])
    to: str = Field(examples=["2026-12-01"])
    timezone: str = Field(examples=["Asia/Shanghai"])


class ReportDocument(BaseModel):
    """The same document as `propdesk report ... --format json`."""

    report: Literal["sla", "first-contact"]
    communities: list[str] | None = Field(
        description="the communities whose cases it counts; null: every community"
    )
    group_by: Literal["community"] | None = Field(
        default=None,
        description="community: the rows come in a block per community, then the total "
        "(rows whose `community` is null); left out when the report is not grouped",
    )
    policy: ReportPolicy
    period: ReportPeriod
    as_of: str
    calendar_estimated: bool
    rows: list[dict[str, Any]]


class Health(BaseModel):
    status: Literal["ok"]
    log_position: int
    read_models_position: int
    follower: bool = Field(description="whether this process follows the log")
    roles: dict[str, bool] | None = Field(
        None,
        description="on PostgreSQL, each role one process at a time holds (`follower`: "
        "follows the log into the read models; `deliverer`: delivers the webhooks) and "
        "whether some process holds it now; "
        "null on SQLite",
        examples=[{"follower": True, "deliverer": True}],
    )


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[
        str,
        AfterValidator(check_name),  # NFC-normalised: the name recorded as the actor
        Field(
            description="the actor of the token's commands: 1-64 letters (any script), "
            "digits, '-', '_' or '.', starting with a letter or digit",
            examples=["eng-wang", "张伟"],
        ),
    ]
    role: Literal["channel", "agent", "worker", "supervisor", "analyst", "admin"]
    communities: list[CommunityCode] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="the communities whose cases it may see and act on; required, unless "
        "all_communities, where the deployment has more than one",
        examples=[["sunny-garden"]],
    )
    all_communities: bool = Field(default=False, description="every community, present and future")


class TokenInfo(BaseModel):
    name: str
    role: str
    communities: list[str] | None = Field(description="its scope; null: every community")
    created_at: str
    revoked_at: str | None


class IssuedToken(TokenInfo):
    token: str = Field(description="shown once; only its hash is stored")
