"""The `minihost` command."""
