"""Run the Galera health agent: `python -m halab.agent --help`."""

import sys

from .server import main

sys.exit(main())
