from jdi_analysis.app import SERVICE_NAME, create_app
from jdi_analysis.settings import AnalysisServiceSettings
from jdi_core.logs import configure_logging
from jdi_core.service import serve

settings = AnalysisServiceSettings()
configure_logging(SERVICE_NAME)
serve(create_app(settings), settings.host, settings.port)
