"""The console's pages, one module (and router) each."""

from __future__ import annotations

from fastapi import APIRouter

from api.console.pages import queue

ROUTERS: tuple[APIRouter, ...] = (queue.router,)
