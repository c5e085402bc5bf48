"""Mini program packages: upload, compile, store, versions and releases."""
