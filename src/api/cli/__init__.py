"""The `propdesk` command line: one module per group of commands, and how they print."""
