"""Regenerate libs/jdi-core/contracts/*.schema.json from the event models (`make contracts`)."""

from jdi_core.contracts import export_schemas

for path in export_schemas():
    print(path)
