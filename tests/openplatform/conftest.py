from tests.openplatform.helpers import op_app, web

__all__ = ["op_app", "web"]
