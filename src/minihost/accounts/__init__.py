"""End users of the host, developer organisations with members and roles, sessions and API tokens."""
