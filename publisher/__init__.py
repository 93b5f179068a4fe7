"""Publish Python distributions with trusted publishing, validating everything first."""

__version__ = "0.1.0"
