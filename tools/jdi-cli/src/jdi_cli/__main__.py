import sys

from jdi_cli.main import main

sys.exit(main())
