"""Settings: the PROPDESK_* variables and flags, read once at start-up and checked."""
