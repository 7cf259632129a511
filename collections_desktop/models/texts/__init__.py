"""Business texts: what the company prints or shows, in each language."""
