"""Template e-mails and mass mailing, Qt-free.

``standard.py`` the templates every company starts with; ``templates.py`` their set-up;
``render.py`` a template filled for one customer in the customer's language (Jinja2's
sandbox); ``smtp.py`` the server, the MIME message and what a failure means;
``settings.py`` and ``credentials.py`` where the server's settings and password live;
``outbox.py`` the persistent outbox (queue, send, retry, never twice); ``mailing.py``
a mailing's messages made from a template for many customers.
"""
