"""Step runner for the protein MD pipeline (AmberTools + biobb), one subcommand per KFP step."""

__version__ = "0.1.0"
