"""Outgoing webhooks: endpoints that admins register, and the delivery of notices to them."""
