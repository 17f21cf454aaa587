"""What a11ypress uses of Dask's distributed beyond its documented API, in one place.

A worker that passes the handshake is given a Dask resource from inside a
worker plugin: ``Worker.set_resources`` (a coroutine the scheduler also
calls) and the worker's thread count, ``Worker.state.nthreads``.  Imported
only for ``--cluster`` builds (and by the canary test).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from . import Private, check_version

PIN = "distributed==2026.8.0"
"""The pin in pyproject.toml (the ``cluster`` extra)."""
VERSION = check_version("distributed", lambda v: v == "2026.8.0", PIN)
"""The installed version (checked)."""

#: Every undocumented name used, for the canary test.
PRIVATE: tuple[Private, ...] = (
    Private("distributed.worker", "Worker.set_resources", ("self", "resources")),
    Private("distributed.worker_state_machine", "WorkerState.nthreads", on_instance=True),
)


class ResourcePlugin(WorkerPlugin):
    """Gives every worker where ``matches()`` is true (on that worker) the
    resource ``name``, one unit per thread; runs on every worker, including
    those that join or are restarted later."""

    idempotent = True

    def __init__(self, name: str, matches: Callable[[], bool]) -> None:
        self.name = name
        """The resource's name."""
        self.matches = matches
        """Run on the worker: may it have the resource?"""

    async def setup(self, worker: Any) -> None:
        """Called by the worker when the plugin is registered or it starts."""
        if self.matches():
            await worker.set_resources(**{self.name: worker.state.nthreads})
