"""``python -m benchmarks.self_check``."""

import sys

from benchmarks.self_check import main

sys.exit(main())
