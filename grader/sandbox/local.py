"""The check interface without a sandbox: learner code in this very process.

For measurements only (``benchmarks/grade_speed.py`` compares ``learn grade`` with "every
submission in one plain pytest process, no isolation"): the hidden checks run unchanged,
their requests are served by an in-process :class:`grader.sandbox.server.Server` and values
still go through the wire encoding, but nothing is isolated. Never grade with it.
"""

from __future__ import annotations

import json
from typing import Any

from grader.sandbox import wire
from grader.sandbox.host import Session
from grader.sandbox.server import Server


class _InProcess:
    """Stands in for :class:`grader.sandbox.host.Process`: requests go to a local Server."""

    def __init__(self) -> None:
        self.server = Server(conn=None)  # type: ignore[arg-type]
        self.ended: dict[str, Any] | None = None
        self.out = self

    def text(self) -> str:
        return ""

    def request(self, message: dict[str, Any], blobs: list[bytes], deadline: float) -> Any:
        message = json.loads(json.dumps(message))
        data = memoryview(b"".join(blobs))
        try:
            value, mutated = self.server.dispatch(message, data)
            reply, encoder = self.server.ok(value, mutated)
            out = b"".join(encoder.blobs)
        except BaseException as exc:  # noqa: BLE001 - reported as data, like the sandbox does
            reply, out = self.server.failure(exc), b""
        reply["seq"] = message.get("seq")
        return json.loads(json.dumps(reply)), memoryview(out)

    def kill(self) -> dict[str, Any]:
        self.ended = {"code": 0}
        return self.ended


class _NoZygote:
    isolation = "none (in-process, for measurements)"
    why_unisolated = "in-process"

    def spawn(self, config: dict[str, Any]) -> _InProcess:
        return _InProcess()

    def close(self) -> None:
        pass


def local_session(source: str, filename: str, names: list[str], device: Any,
                  timeout: float = 60.0) -> Session:
    """A started :class:`Session` whose submission is loaded in this process."""
    session = Session(_NoZygote(), source, filename, names, [], device, timeout, None)  # type: ignore[arg-type]
    session.start()
    return session


__all__ = ["local_session", "wire"]
