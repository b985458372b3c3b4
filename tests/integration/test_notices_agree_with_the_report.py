"""Over a simulated history, the warnings agree with the SLA report: every milestone the read
models judge breached was warned about at its due instant, every one met gave a `met`, with
the pages handed over by the read models' follower as live; each notice is kept once."""

from __future__ import annotations

from datetime import UTC, datetime

from api.config.settings import Settings
from api.simulation.simulator import Scenario, simulate
from api.wiring import open_follower
from projections.follower import Follower
from projections.milestones import Judgement, judge
from projections.notices.follower import NoticeFollower
from projections.notices.kinds import BREACHED, MET
from projections.rows import case_from_row


def test_the_warnings_agree_with_the_read_models_judgements(db: str) -> None:
    settings = Settings.load({}, db=db)
    live = open_follower(settings, settings.policy, notices=True)
    [keeper] = [c for c in live.companions if isinstance(c, NoticeFollower)]
    keeper.now = lambda: datetime(2100, 1, 1, tzinfo=UTC).timestamp()  # every instant passed
    keeper.interval = 0.0  # each `follow` takes in what the log holds
    live.catch_up()
    keeper.follow()  # the notices start with the (empty) log
    simulate(settings, Scenario(households=120, days=6, seed=5))
    live.catch_up()
    keeper.follow()

    judged = _judgements(live)
    notices = keeper.store.notices_after(0, 1_000_000)
    breached = {(n.case_id, n.milestone): n for n in notices if n.type == BREACHED and n.run == 1}
    met = {(n.case_id, n.milestone) for n in notices if n.type == MET and n.run == 1}
    judged_breached = {k for k, j in judged.items() if j.status == "breached"}
    judged_met = {k for k, j in judged.items() if j.status == "met"}
    assert judged_breached
    assert judged_met
    assert judged_breached <= breached.keys()
    for key in judged_breached:  # at the instant the report judges by
        assert breached[key].due_at == judged[key].due_at
    assert met == judged_met
    # Warned, yet not judged breached: the case ended first, or the stop was entered late
    # (backdated to before the due instant, after the warning went).
    late_stops = {
        (r["case_id"], r["name"])
        for r in live.store.query("SELECT case_id, name FROM rm_milestones WHERE late_stop = 1")
    }
    for key in breached.keys() - judged_breached:
        assert judged[key].status == "excluded" or key in late_stops

    assert len({n.id for n in notices}) == len(notices)


def _judgements(follower: Follower) -> dict[tuple[str, str | None], Judgement]:
    """Every started milestone as the report judges it once all time has passed."""
    moment = datetime(2100, 1, 1, tzinfo=UTC)
    policy = follower.current_policy()
    found: dict[tuple[str, str | None], Judgement] = {}
    for row in follower.store.query("SELECT * FROM rm_case_index"):
        clocks = follower.store.query(
            "SELECT * FROM rm_milestones WHERE case_id = ?", [row["case_id"]]
        )
        case = case_from_row(row, list(clocks))
        for spec in case.specs(policy):
            clock = case.milestones[spec.name]
            if clock.started_at is not None:
                judgement = judge(spec, clock, moment, follower.calendar)
                found[(case.case_id, spec.name)] = judgement
    return found
