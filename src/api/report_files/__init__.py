"""Reports and lists as files (JSON, CSV, xlsx), shared by the command line and the HTTP API."""
