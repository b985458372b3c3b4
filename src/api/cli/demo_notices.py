"""The demo's month replayed through the notices: the warnings a live deployment would have
sent, at the instants it would have sent them. Nothing is sent: the demo registers no webhook,
and the replay leaves the notices where `propdesk serve` and the console find them."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from rich.console import Console
from rich.table import Table

from api.cli.demo import DemoResult
from api.config.settings import Settings
from api.storage.case_numbers import open_case_numbers
from api.terminal.progress import progress_bar
from api.wiring import open_follower, open_notice_store_for
from projections.notices.follower import NoticeFollower
from projections.notices.kinds import AT_RISK, BREACHED, NOTICE_TYPES, Notice

EXAMPLES = 5


def replay_notices(settings: Settings, end: datetime) -> list[Notice]:
    """Derive the notices of the whole history as if followed live until `end`."""
    follower = open_follower(settings, settings.policy)
    keeper = NoticeFollower(
        follower.app,
        open_notice_store_for(settings),
        follower.current_policy,
        follower.calendar,
        now=end.timestamp,
        replay=True,
    )
    head = follower.head()
    with progress_bar() as bar:
        task = bar.add_task("replaying the warnings", total=head)
        keeper.catch_up(lambda done, _head: bar.update(task, completed=done))
    keeper.fire_due()
    notices: list[Notice] = []
    while batch := keeper.store.notices_after(notices[-1].sequence if notices else 0, 5000):
        notices.extend(batch)
    return notices


def print_demo_notices(settings: Settings, result: DemoResult, out: Console) -> None:
    notices = replay_notices(settings, result.end)
    counts = Counter(n.type for n in notices)
    table = Table(title="Notices the month would have sent (no webhook is registered)")
    table.add_column("type")
    table.add_column("notices", justify="right")
    for type_ in NOTICE_TYPES:
        table.add_row(type_, str(counts.get(type_, 0)))
    out.print(table)
    warnings = [n for n in notices if n.type in (AT_RISK, BREACHED)][-EXAMPLES:]
    if not warnings:
        return
    numbers = open_case_numbers(settings)
    try:
        named = numbers.numbers_of([n.case_id for n in warnings])
    finally:
        numbers.close()
    zone = settings.timezone
    examples = Table(title="The last warnings, as a webhook would have carried them")
    for column in ("sent at", "type", "community", "case", "milestone", "due"):
        examples.add_column(column)
    for n in warnings:
        due = "" if n.due_at is None else f"{n.due_at.astimezone(zone):%m-%d %H:%M}"
        examples.add_row(
            f"{n.at.astimezone(zone):%m-%d %H:%M}",
            n.type,
            n.community,
            named.get(n.case_id, n.case_id),
            n.milestone or "",
            due,
        )
    out.print(examples)
