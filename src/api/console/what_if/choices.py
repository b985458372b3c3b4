"""The stored policies a what-if may try: the files shipped with propdesk and every
version of a community's own policy the registry holds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files

from projections.policy import CommunityPolicy, Policy, parse_policy

SHIPPED = "shipped"
COMMUNITY = "community"


@dataclass(frozen=True)
class StoredPolicy:
    key: str  # in the page's address: a shipped file's stem, or CODE@VERSION
    source: str  # SHIPPED or COMMUNITY
    policy: Policy
    community: str | None = None
    version: int | None = None

    @property
    def file(self) -> str:
        return f"{self.key}.toml"


@cache
def shipped() -> tuple[StoredPolicy, ...]:
    """The policy files in the package (`projections/policies/*.toml`), by name."""
    found = []
    folder = files("projections").joinpath("policies")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            text = entry.read_text(encoding="utf-8")
            stem = entry.name.removesuffix(".toml")
            found.append(StoredPolicy(stem, SHIPPED, parse_policy(text, entry.name)))
    return tuple(found)


def community_versions(
    versions: tuple[CommunityPolicy, ...], deployment: Policy
) -> tuple[StoredPolicy, ...]:
    """Each community's recorded policies, with the deployment's business calendar: a
    community's file leaves [calendar] out (`projections.community_policy`), and its
    milestones are judged on the deployment's calendar."""
    return tuple(
        StoredPolicy(
            f"{own.community}@{own.version}",
            COMMUNITY,
            replace(
                own.policy, opens=deployment.opens, closes=deployment.closes, years=deployment.years
            ),
            own.community,
            own.version,
        )
        for own in sorted(versions, key=lambda v: (v.community, v.version))
    )


def stored_policies(
    versions: tuple[CommunityPolicy, ...], deployment: Policy
) -> dict[str, StoredPolicy]:
    return {p.key: p for p in (*shipped(), *community_versions(versions, deployment))}
