"""Reports: one statement per report, scoped by the reader's ``AgentScope``.

``period.py`` is the date range a report covers; ``action_control.py`` lists the
actions taken on customers in the order of their oldest open item;
``collections_by_agent.py`` sums what each agent recorded, promised and collected.
"""
