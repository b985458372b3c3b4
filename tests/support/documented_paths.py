"""The paths of the OpenAPI document, made callable: real ids and the tokens they need."""

from __future__ import annotations

from support.api_client import Api


def documented_url(api: Api, path: str) -> str:
    """A path of the OpenAPI document, made callable: a new repair's id, a token's name,
    a webhook endpoint's id."""
    if "{case_id}" in path:
        path = path.replace("{case_id}", api.create("repair")["id"])
    return path.replace("{name}", "late-desk").replace("{endpoint_id}", "ep_0123456789abcdef")


def documented_token(api: Api, path: str) -> dict[str, str]:
    """A token the path's routes answer: admin for /tokens and /webhooks, supervisor for
    the rest."""
    for_admins = path.startswith(("/tokens", "/webhooks"))
    return api.auth("root", "admin") if for_admins else api.supervisor
