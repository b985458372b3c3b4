"""The closed vocabularies of the domain: kinds, channels, categories, priorities."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    REPAIR = "repair"  # 报修
    COMPLAINT = "complaint"  # 投诉
    RENOVATION = "renovation"  # 装修申报


class Channel(StrEnum):
    PHONE = "phone"
    WALK_IN = "walk_in"  # 来访, front desk
    WECHAT = "wechat"  # WeChat or the app
    WEB = "web"
    EMAIL = "email"
    MAILBOX = "mailbox"  # 心连心信箱, the suggestion box
    PATROL = "patrol"  # 巡查发现, staff on patrol


class CallbackOutcome(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意
    UNREACHABLE = "unreachable"  # the resident could not be reached


class ErasureReason(StrEnum):
    """Why a reporter's record was erased (PIPL)."""

    REQUEST = "request"  # the resident asked, through an operator
    RETENTION = "retention"  # the retention period after the case ended ran out


CATEGORIES: dict[Kind, tuple[str, ...]] = {
    Kind.REPAIR: (
        "plumbing",  # 水
        "electrical",  # 电
        "gas",  # 燃气
        "doors_windows",  # 门窗
        "elevator",  # 电梯
        "public_facilities",  # 公共设施
        "drainage",  # 排水
        "other",
    ),
    Kind.COMPLAINT: (
        "engineering",
        "environment",  # cleaning and greenery
        "security",  # security and order
        "customer_service",
        "fees",
    ),
    Kind.RENOVATION: (
        "full",  # whole-unit renovation
        "partial",  # one room or part of the unit
        "minor",  # small works: painting, fittings
    ),
}

PRIORITIES: dict[Kind, tuple[str, ...]] = {
    Kind.REPAIR: ("emergency", "normal"),  # 急修 / 一般维修
    Kind.COMPLAINT: ("normal", "major"),  # 重大投诉
    Kind.RENOVATION: ("normal",),
}

# A repair must name its priority; the others have a sensible default.
DEFAULT_PRIORITY: dict[Kind, str | None] = {
    Kind.REPAIR: None,
    Kind.COMPLAINT: "normal",
    Kind.RENOVATION: "normal",
}

CLOSING_OUTCOMES = frozenset({CallbackOutcome.SATISFIED, CallbackOutcome.BASICALLY_SATISFIED})
