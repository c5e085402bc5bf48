"""The developer console: server-rendered pages for accounts, organisations, apps and API tokens."""
