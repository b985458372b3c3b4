"""The demo's simulated community: residents, staff and cases, run through the application."""
