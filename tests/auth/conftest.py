from tests.auth.helpers import world

__all__ = ["world"]
