"""Controllers of the actions pages share: they open a dialog, write its result, report.

An action controller takes the ``PageContext`` and the widget its dialogs belong to; it
reads what a dialog needs with a ``QueryOp`` and writes with a ``WriteOp`` (one
transaction), and tells its page what happened through ``changed`` and ``refused``, so
two pages offering the same action share one controller.
"""
