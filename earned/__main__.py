"""`python -m earned`: the same as the `earned` command."""

from earned.cli import main

raise SystemExit(main())
