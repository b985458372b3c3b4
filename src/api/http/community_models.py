"""The bodies of `/communities`: a registration, a policy from a day on, and the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.http.fields import Day
from workflow.communities import CODE_PATTERN


class CommunityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[
        str,
        Field(
            pattern=CODE_PATTERN.pattern,
            description="permanent: 1-40 lowercase letters, digits and '-'",
            examples=["sunny-garden"],
        ),
    ]
    name: Annotated[str, Field(min_length=1, max_length=100, examples=["阳光花园"])]


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    policy: Annotated[
        str,
        Field(
            min_length=1,
            max_length=16_000,  # a policy file is a few kilobytes; the body limit is 64 KiB
            description="the SLA policy file's text (TOML), without [calendar]: the "
            "deployment's business calendar applies",
        ),
    ]
    starting: Annotated[
        Day,
        Field(
            alias="from",
            description="YYYY-MM-DD, Asia/Shanghai, today or later: milestones that start "
            "from then on are judged under it; those started before keep theirs",
        ),
    ]


class CommunityOut(BaseModel):
    code: str
    name: str
    policy: str = Field(description="the name of its latest policy")
    policy_from: str | None = Field(description="when that policy takes effect; null: always")
    policy_version: int = Field(
        description="the version of the community that set it, as reports name it; 0: "
        "the deployment's policy"
    )
    registered_at: datetime
