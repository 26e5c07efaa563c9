"""Snapshot the current schemas into libs/jdi-contracts/schemas/released/ (`make contracts-release`).

The deliberate step of a contracts release: from then on the contract test holds every topic to these
schemas. It refuses a breaking change to a topic that stays.
"""

import sys

from jdi_contracts.compatibility import explain
from jdi_contracts.json_schema import BreakingChange, release_schemas

try:
    written = release_schemas()
except BreakingChange as error:
    sys.exit(f"Not released.\n{explain(error.problems)}")
for path in written:
    print(path)
