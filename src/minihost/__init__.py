"""Minihost: a self-hostable mini program platform."""

__version__ = "0.1.0"
