"""The pages of the main window, one module each, shown in its stacked area."""
