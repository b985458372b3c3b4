"""What a what-if comparison is asked for, from the page's address (a stored policy) or
from its upload form: the candidate, the period, the communities, the instant.

A comparison's links (the cases behind a changed row) carry the same inputs, with the
instant it was judged at pinned, so that the cases listed are exactly those it counted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from starlette.datastructures import ImmutableMultiDict

from api.console import params
from api.console.what_if.uploads import DIGEST
from api.http.routes.reports import period
from projections.asof import Period
from projections.calendar import SHANGHAI


@dataclass(frozen=True)
class WhatIfInputs:
    policy: str | None  # a stored policy's key
    upload: str | None  # an uploaded policy's SHA-256
    start: date | None  # as asked (`from`); the period fills in the defaults
    end: date | None  # the day after the last (`to`), as in the reports
    communities: tuple[str, ...]
    as_of: datetime | None

    @property
    def period(self) -> Period:
        return period(self.start, self.end)

    @property
    def chosen(self) -> bool:
        return self.policy is not None or self.upload is not None

    def moment(self) -> datetime:
        """The instant judged at: the one asked for, or now (to the microsecond: a link
        names it exactly, and nothing recorded before it is left out)."""
        return self.as_of or datetime.now(UTC)

    def pinned(self, moment: datetime) -> WhatIfInputs:
        return replace(self, as_of=moment)

    def query(self) -> list[tuple[str, str]]:
        """The inputs as query parameters, for links."""
        found: list[tuple[str, str]] = []
        if self.upload is not None:
            found.append(("upload", self.upload))
        elif self.policy is not None:
            found.append(("policy", self.policy))
        shown = self.period
        found += [("from", shown.start.isoformat()), ("to", shown.end.isoformat())]
        found += [("community", c) for c in self.communities]
        if self.as_of is not None:
            found.append(("as_of", self.as_of.astimezone(SHANGHAI).isoformat()))
        return found


def _text(values: ImmutableMultiDict[str, Any], name: str) -> str | None:
    value = values.get(name)
    return value if isinstance(value, str) else None


def read_inputs(values: ImmutableMultiDict[str, Any], keys: list[str]) -> WhatIfInputs:
    """From a query string or a form; `keys` are the stored policies' keys."""
    communities = tuple(
        dict.fromkeys(
            c
            for c in (
                params.short("community", v, 64)
                for v in values.getlist("community")
                if isinstance(v, str)
            )
            if c
        )
    )
    if len(communities) > 100:
        raise params.refused("community", "at most 100 communities")
    upload = params.short("upload", _text(values, "upload"), 64)
    if upload is not None and not DIGEST.fullmatch(upload):
        raise params.refused("upload", "the SHA-256 of an uploaded policy: 64 hex digits")
    found = WhatIfInputs(
        policy=params.one_of("policy", _text(values, "policy"), keys),
        upload=upload,
        start=params.day("from", _text(values, "from")),
        end=params.day("to", _text(values, "to")),
        communities=communities,
        as_of=params.moment("as_of", _text(values, "as_of")),
    )
    period(found.start, found.end)  # refuses a period that ends before it starts
    return found
