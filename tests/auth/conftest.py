from tests.auth.helpers import auth_app, web, world

__all__ = ["auth_app", "web", "world"]
