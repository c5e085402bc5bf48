"""The host super app: its page, and the API its JavaScript calls (HOST_API.md)."""
