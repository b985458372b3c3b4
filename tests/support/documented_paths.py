"""The paths of the OpenAPI document, made callable: real ids and the tokens they need."""

from __future__ import annotations

from support.api_client import Api


def documented_url(api: Api, path: str) -> str:
    """A path of the OpenAPI document, made callable: a new repair's id, a token's name."""
    if "{case_id}" in path:
        path = path.replace("{case_id}", api.create("repair")["id"])
    return path.replace("{name}", "late-desk")


def documented_token(api: Api, path: str) -> dict[str, str]:
    """A token the path's routes answer: admin for /tokens, supervisor for the rest."""
    return api.auth("root", "admin") if path.startswith("/tokens") else api.supervisor
