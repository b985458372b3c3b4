"""Cases received at a steady pace, in a thread of its own, through whichever servers are
up: the test changes `bases` (and kills a server) while holding `turn`, so no case is ever
posted to a server as it dies, and none while no server is up."""

from __future__ import annotations

import threading
import time
import uuid

import httpx

from support.request_bodies import REPAIR


class SteadyIntake:
    def __init__(self, token: str, count: int, interval: float) -> None:
        self.headers = {"Authorization": f"Bearer {token}"}
        self.count, self.interval = count, interval
        self.bases: list[str] = []  # the servers to post to, in turn; none: wait
        self.turn = threading.Lock()  # held while a case is posted
        self.case_ids: list[str] = []
        self.errors: list[str] = []
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="steady-intake", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            for number in range(self.count):
                while not self._post(number):
                    time.sleep(0.05)  # no server up: wait for one
                time.sleep(self.interval)
        finally:
            self.done.set()

    def _post(self, number: int) -> bool:
        """Posts case `number` to the next server; False when none is up."""
        with self.turn:
            if not self.bases:
                return False
            base = self.bases[number % len(self.bases)]
            try:
                answer = httpx.post(
                    f"{base}/requests",
                    json={**REPAIR, "location": f"3-2-{1000 + number}"},
                    headers={**self.headers, "Idempotency-Key": f"steady-{uuid.uuid4().hex}"},
                    timeout=10,
                )
            except httpx.HTTPError as error:
                self.errors.append(f"case {number} to {base}: {error!r}")
                return True
        if answer.status_code != 201:
            self.errors.append(f"case {number} to {base}: {answer.status_code} {answer.text}")
        else:
            self.case_ids.append(str(answer.json()["id"]))
        return True
