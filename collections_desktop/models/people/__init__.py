"""Who sees what: customer pools (saved criteria evaluated in SQL) and the agent's scope,
the one condition every customer list and snapshot goes through."""
