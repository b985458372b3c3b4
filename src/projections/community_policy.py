"""A community's own SLA policy: read from its file and checked against the deployment's.

A community's contract sets its targets; the business calendar (working days, office
hours) stays the deployment's, so a community's file leaves `[calendar]` out (or copies
the deployment's exactly).
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import date

from projections.policy import Policy, PolicyError, parse_policy


def community_policy(text: str, source: str, deployment: Policy) -> Policy:
    """The policy in `text`, with the deployment's calendar; PolicyError saying what is
    wrong with the file."""
    policy = parse_policy(text, source)
    if "calendar" not in tomllib.loads(text):
        return replace(
            policy, opens=deployment.opens, closes=deployment.closes, years=deployment.years
        )
    own = (policy.opens, policy.closes, policy.years)
    if own != (deployment.opens, deployment.closes, deployment.years):
        raise PolicyError(
            f"{source}: [calendar] differs from the deployment's policy "
            f"({deployment.name!r}): a community keeps the deployment's business calendar; "
            "leave [calendar] out of its file"
        )
    return policy


def check_starting(starting: date, today: date) -> None:
    """A new policy applies from today at the earliest: never to work already started."""
    if starting < today:
        raise PolicyError(
            f"--from {starting} is before today ({today}, Asia/Shanghai): a policy applies "
            "to milestones that start from now on; those already started keep theirs"
        )
