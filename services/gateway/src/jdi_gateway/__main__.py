import uvicorn

from jdi_core.logs import configure_logging
from jdi_core.service import HTTP_SHUTDOWN_GRACE_S
from jdi_gateway.app import SERVICE_NAME
from jdi_gateway.settings import GatewaySettings

settings = GatewaySettings()
configure_logging(SERVICE_NAME)
# Each worker process builds its own app (and broker consumer, database pool) from the environment.
uvicorn.run(
    "jdi_gateway.app:from_environment",
    factory=True,
    host=settings.host,
    port=settings.port,
    workers=settings.workers,
    access_log=settings.access_log,
    log_config=None,
    timeout_graceful_shutdown=HTTP_SHUTDOWN_GRACE_S,
)
