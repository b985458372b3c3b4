"""The colleagues a form offers: the console's accounts that work in a case's community."""

from __future__ import annotations

from api.http.runtime import Runtime
from workflow.roles import Role

# Who may take first-contact ownership over: the customer-service desk.
OWNERS = frozenset({Role.AGENT, Role.SUPERVISOR})


def colleagues(rt: Runtime, community: str, roles: frozenset[Role]) -> tuple[str, ...]:
    """The enabled accounts of `roles` whose scope includes `community`, by name."""
    return tuple(
        sorted(
            record.name
            for record in rt.users.records()
            if record.disabled_at is None
            and record.role in roles
            and (record.communities is None or community in record.communities)
        )
    )
