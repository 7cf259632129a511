"""The company: creating one, its summary, the reference data it starts with, opening its
database (completing an older company's reference data), and the first-run check."""
