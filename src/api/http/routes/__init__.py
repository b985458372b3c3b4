"""One router per resource: requests (and their commands), reports, events, tokens, health."""
