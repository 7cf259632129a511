"""The case file window, where the desk opens it: ``CaseFileWindow(context, case_id)``
and ``open_case_file`` (raises the window of a case already open).

The window reads its case and writes what the collector does on it by itself, through
``views/operations.py``, so it is built in ``views/widgets/case_file.py`` (dialogs only
show and check); its small dialogs (a collection, an annotation or action, a promise or
a plan, a status) are the ``agency_*`` modules beside this one.
"""

from __future__ import annotations

from collections_desktop.views.widgets.case_file import CaseFileWindow, open_case_file

__all__ = ["CaseFileWindow", "open_case_file"]
