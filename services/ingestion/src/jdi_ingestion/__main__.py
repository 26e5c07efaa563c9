import uvicorn

from jdi_core.logs import configure_logging
from jdi_core.service import HTTP_SHUTDOWN_GRACE_S
from jdi_ingestion.app import SERVICE_NAME, create_app
from jdi_ingestion.settings import IngestionSettings

settings = IngestionSettings()
configure_logging(SERVICE_NAME)
uvicorn.run(
    create_app(settings),
    host=settings.host,
    port=settings.port,
    log_config=None,
    timeout_graceful_shutdown=HTTP_SHUTDOWN_GRACE_S,
)
