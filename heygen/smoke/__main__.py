"""Entry point of ``python -m heygen.smoke``."""

import sys

from .run import main

if __name__ == "__main__":
    sys.exit(main())
