"""One redaction helper: a database URL is shown as scheme://user:***@host/db."""

from __future__ import annotations

import pytest

from api.config.redaction import redact, redact_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://desk:pw@db:5432/propdesk", "postgresql://desk:***@db:5432/propdesk"),
        ("postgresql://desk:p@ss@db/propdesk", "postgresql://desk:***@db/propdesk"),
        ("postgresql://desk:s%40cret@[::1/propdesk", "postgresql://desk:***@[::1/propdesk"),
        ("mysql://desk:desk@db/x", "mysql://desk:***@db/x"),
        ("postgresql://desk@db/propdesk", "postgresql://desk@db/propdesk"),
        ("postgresql://db/propdesk", "postgresql://db/propdesk"),
        ("./propdesk.db", "./propdesk.db"),
        ("/srv/a:b@c.db", "/srv/a:b@c.db"),
    ],
)
def test_a_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_every_url_a_message_quotes_is_shown_without_its_password() -> None:
    message = (
        "cannot use 'postgresql://desk:pw1@db/propdesk' nor postgres://u:pw2@h:1/x; "
        "propdesk itself stays"
    )
    assert redact(message) == (
        "cannot use 'postgresql://desk:***@db/propdesk' nor postgres://u:***@h:1/x; "
        "propdesk itself stays"
    )


def test_a_password_given_apart_from_a_url_is_hidden_where_a_tool_quotes_it() -> None:
    assert redact("auth failed for 's3cret'", "s3cret") == "auth failed for '***'"
