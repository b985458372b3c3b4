"""Warnings and case notices derived from the event log, kept in an outbox for webhooks and
the console: a tracked follower like the read models, in a store of its own."""
