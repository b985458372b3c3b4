"""Intake's fast path: `POST /requests`, whose route reads its own token, body and key.

FastAPI documents the route from its declaration (`route.DECLARATION`, with the body, the
key and the bearer scheme written out), but hands the endpoint the request instead of
solving parameters (`direct_route.DirectRoute`); the endpoint checks the token, validates
the body's bytes in one pass and reads the key (`request`). A test holds the documented
operation equal to what a plain FastAPI declaration of the same route produces.
"""
