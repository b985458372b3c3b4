"""The web console under /console: server-rendered pages (Jinja2, htmx) for the people
who will not use curl: supervisors, agents, engineers and analysts, in Chinese first."""
