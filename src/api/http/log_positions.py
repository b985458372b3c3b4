"""The event log's head and the read models' position, as Prometheus gauges read from
the database when scraped (the same in every process: nothing to add up)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector


class LogPositions(Collector):
    """The event log's head and the read models' position, read when scraped."""

    def __init__(self, head: Callable[[], int], position: Callable[[], int]) -> None:
        self.head = head
        self.position = position

    def collect(self) -> Iterator[Metric]:
        head, position = self.head(), self.position()
        yield GaugeMetricFamily(
            "propdesk_event_log_head", "Position of the last event in the event log", head
        )
        yield GaugeMetricFamily(
            "propdesk_read_models_position", "Position the read models have reached", position
        )
        yield GaugeMetricFamily(
            "propdesk_read_models_lag", "Events the read models are behind the log", head - position
        )
