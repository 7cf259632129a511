"""Everything Qt: the main window, its pages, dialogs, icons, settings and background tasks.

The views show what ``collections_desktop.models`` (the Qt-free domain) computes; they
never hold business rules. Long work runs through ``views.tasks`` so the window stays
responsive, and every object a widget needs (database, clock, task runner, icons,
formats, settings) is handed down by the composition root in ``collections_desktop.app``.
"""
