"""What an open queue needs to listen to the live stream of notices (`/console/stream`):
where to start, and the labels its warnings are shown with, in the visitor's language.

The page is drawn at one place in the outbox and the stream starts from there, so a
notice taken in between the two is not lost. The labels travel as JSON in a data
attribute: the console's policy admits no inline script.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from api.console.i18n import translations
from api.console.vocabulary import vocabularies
from api.http.runtime import Runtime
from projections.notices.kinds import NOTICE_TYPES, TIMED

STREAM = "/console/stream"


@dataclass(frozen=True)
class LiveQueue:
    stream: str  # the stream's address, starting after the notices the page was drawn with
    labels: str  # JSON: the notice types to listen to, the warnings among them, the labels


def live_queue(rt: Runtime, language: str) -> LiveQueue:
    found = translations(language)
    milestones = vocabularies((rt.policy,))["milestone"]
    labels = {
        "types": {t: found.pgettext("notice", t) for t in NOTICE_TYPES},
        "warnings": list(TIMED),
        "milestones": {m: found.pgettext("milestone", m) for m in milestones},
    }
    after = rt.notices.last_sequence()
    return LiveQueue(f"{STREAM}?after={after}", json.dumps(labels, ensure_ascii=False))
