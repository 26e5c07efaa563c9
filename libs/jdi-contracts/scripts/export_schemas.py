"""Regenerate libs/jdi-contracts/schemas/*.schema.json from the event models (`make contracts`)."""

from jdi_contracts.json_schema import export_schemas

for path in export_schemas():
    print(path)
