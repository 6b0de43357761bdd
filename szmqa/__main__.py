"""Run the command line as ``python -m szmqa``."""

from szmqa.cli import main

raise SystemExit(main())
