"""A policy names when a running milestone is at risk: a share of its target, for the whole
policy and per milestone; it changes no judgement, so read models need no rebuild."""

from __future__ import annotations

import pytest

from projections.policy import PolicyError, default_policy_text, parse_policy

DISPATCH = 'name = "dispatch"\nkind = "repair"\npriority = "emergency"\n'


def test_the_default_share_is_80_percent_of_the_target() -> None:
    policy = parse_policy(default_policy_text())
    assert {spec.at_risk for spec in policy.milestones} == {0.8}


def test_the_policy_and_a_milestone_can_each_name_their_share() -> None:
    text = default_policy_text().replace(
        '[warnings]\nat_risk = "80%"', '[warnings]\nat_risk = "50%"'
    )
    assert 'at_risk = "50%"' in text
    text = text.replace(DISPATCH, DISPATCH + 'at_risk = "90%"\n')
    policy = parse_policy(text)
    shares = {(s.name, s.kind, s.priority): s.at_risk for s in policy.milestones}
    assert shares[("dispatch", "repair", "emergency")] == 0.9
    assert shares[("dispatch", "repair", "normal")] == 0.5
    assert policy.digest == parse_policy(default_policy_text()).digest


@pytest.mark.parametrize("share", ["0%", "100%", "80", "0.8", "eighty", "-5%"])
def test_a_share_outside_1_to_99_percent_is_refused_with_what_is_allowed(share: str) -> None:
    text = default_policy_text().replace(DISPATCH, DISPATCH + f'at_risk = "{share}"\n')
    with pytest.raises(PolicyError, match=r"1% to 99%"):
        parse_policy(text, "p.toml")
