"""``python -m a11ypress`` runs the command line."""

from a11ypress.cli import main

main()
