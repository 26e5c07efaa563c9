from jdi_core.logs import configure_logging
from jdi_core.service import serve
from jdi_embedding.app import SERVICE_NAME, create_app
from jdi_embedding.settings import EmbeddingSettings

settings = EmbeddingSettings()
configure_logging(SERVICE_NAME)
serve(create_app(settings), settings.host, settings.port)
