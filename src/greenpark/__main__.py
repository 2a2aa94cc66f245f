"""``python -m greenpark`` runs the command-line interface."""

from greenpark.cli import main

if __name__ == "__main__":
    main()
