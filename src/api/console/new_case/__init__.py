"""A new case recorded at the desk (`/console/new`): the form, its checks, and the open
cases it may duplicate."""
