"""The Qt-free domain of Collections Desktop: data and the rules of collections.

In this project ``models`` means the *domain* (ledger, aging, pools, letters...),
not Qt item models; those adapters live in ``collections_desktop.views.itemmodels``.
Nothing here imports PySide6, pyqtgraph or qtawesome (an import-linter contract
checks it), so every rule runs the same from the GUI, the CLI, a test or a sync job.
"""

# Every commit re-ages the customers it changed in the newest snapshots (see the module):
# registered here, so no process that writes can miss it.
from collections_desktop.models.aging import fresh as _fresh  # noqa: F401
