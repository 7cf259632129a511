"""Qt item models (``QAbstractItemModel`` subclasses and proxies) that adapt domain queries.

Not to be confused with ``collections_desktop.models``, which is the Qt-free domain.
Each item model here holds immutable rows returned by one query function of the domain,
and its ``data()`` never touches the database.
"""
