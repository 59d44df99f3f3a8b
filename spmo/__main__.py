"""`python -m spmo` runs the CLI."""

from spmo.api.cli import main

main()
