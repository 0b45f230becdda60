"""``python -m sklstm``: the same as the ``sklstm`` command."""

import sys

from .cli import main

sys.exit(main())
