"""Third-party platforms: companies that build, review and release mini programs for businesses (component API)."""
