"""`jdi replay gateway`: rebuild the gateway's read model from the topics and switch over, through its
/v1/admin/read-model/rebuild route (the gateway does the work), following it until it is done."""

import time
from collections.abc import Callable
from typing import Any

from jdi_cli.gateway_api import GatewayError, call

REBUILD = "/v1/admin/read-model/rebuild"


def replay_gateway(
    url: str, api_key: str, report: Callable[[dict[str, Any]], None], poll_s: float = 2.0
) -> dict[str, Any]:
    """Start a rebuild (or follow the one running) and poll it; its last state."""
    try:
        rebuild: dict[str, Any] = call(url, api_key, "POST", REBUILD)
    except GatewayError as error:
        if error.code != "rebuild_running":
            raise
        rebuild = call(url, api_key, "GET", REBUILD)
    report(rebuild)
    while rebuild["state"] == "running":
        time.sleep(poll_s)
        rebuild = call(url, api_key, "GET", REBUILD)
        report(rebuild)
    return rebuild


def describe(rebuild: dict[str, Any]) -> str:
    why = f" ({rebuild['error_type']})" if rebuild.get("error_type") else ""
    return f"rebuild {rebuild['rebuild_id']}: {rebuild['state']}{why}, {rebuild['events_applied']} events applied"
