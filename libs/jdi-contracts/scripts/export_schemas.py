"""Regenerate libs/jdi-contracts/schemas/ (schemas and topics.json) from the models (`make contracts`).

Fails at once when the new schemas break the released ones, as the contract test will.
"""

import sys

from jdi_contracts.compatibility import compare_with_released, explain
from jdi_contracts.json_schema import RELEASED_DIR, current_schemas, export_schemas, read_schemas

for path in export_schemas():
    print(path)
problems = compare_with_released(read_schemas(RELEASED_DIR), current_schemas())
if problems:
    sys.exit(explain(problems))
