"""Valid bodies of `POST /requests`, one per kind, for tests to send or vary."""

from __future__ import annotations

from typing import Any

REPAIR: dict[str, Any] = {
    "kind": "repair",
    "channel": "phone",
    "location": "3-2-1201",
    "category": "plumbing",
    "priority": "emergency",
    "description": "burst pipe in the kitchen",
}
COMPLAINT: dict[str, Any] = {
    "kind": "complaint",
    "channel": "wechat",
    "location": "north gate",
    "category": "security",
    "description": "the barrier is stuck open at night",
}
RENOVATION: dict[str, Any] = {
    "kind": "renovation",
    "channel": "walk_in",
    "location": "5-1-302",
    "category": "partial",
    "description": "kitchen and bathroom",
    "details": {"contractor": "安居装饰", "workers": "4"},
}
BODIES: dict[str, dict[str, Any]] = {
    "repair": REPAIR,
    "complaint": COMPLAINT,
    "renovation": RENOVATION,
}
