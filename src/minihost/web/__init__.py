"""The HTTP layer: app factory, error handlers, middleware, shared dependencies."""
