from tests.accounts.helpers import accounts_app, web, web2

__all__ = ["accounts_app", "web", "web2"]
