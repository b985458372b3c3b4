"""The HTTP API: a thin FastAPI shell over the application service and the read models.

`api.http.app:create_app` is the application factory uvicorn runs.
"""
