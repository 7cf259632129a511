"""The read models behind the screens: immutable rows for the Overview, the Workspace and
the list pages, read with a fixed, small number of statements, and the cells of exports."""
