from jdi_core.logs import configure_logging
from jdi_core.service import serve
from jdi_ingestion.app import SERVICE_NAME, create_app
from jdi_ingestion.settings import IngestionSettings

settings = IngestionSettings()
configure_logging(SERVICE_NAME)
serve(create_app(settings), settings.host, settings.port)
