"""The console's pages, one module (and router) each."""

from __future__ import annotations

from fastapi import APIRouter

from api.console.pages import (
    access_log,
    callbacks,
    case,
    commands,
    dashboards,
    my_work,
    new_case,
    proof,
    queue,
    stream,
    webhooks,
    what_if,
)

ROUTERS: tuple[APIRouter, ...] = (
    my_work.router,
    new_case.router,
    queue.router,
    case.router,
    proof.router,
    commands.router,
    callbacks.router,
    dashboards.router,
    what_if.router,
    access_log.router,
    webhooks.router,
    stream.router,
)
