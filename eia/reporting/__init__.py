"""The Policy and Equality Unit's view: every figure of the dashboard, the quality flags and
the cumulative impact on one group, each computed by SQL aggregation in a fixed number of
queries (no loop over rows in Python), on SQLite and PostgreSQL alike.

- ``filters``: the dashboard's filters (directorate, service, period, kind of proposal),
  read from a query string and turned into a WHERE clause;
- ``figures``: ``dashboard(session, filters) -> Dashboard``, every figure at once;
- ``drilldown``: the EIAs (or actions, impacts, spells) behind any one figure;
- ``quality``: the quality flags, each one SQL expression;
- ``stages``: time spent in each stage, from the spells ``summaries`` keeps;
- ``summaries``: what the dashboard reads instead of the whole audit trail (stage spells,
  what each EIA has been through), kept on each step and rebuildable from the trail;
- ``cumulative``: negative residual impacts on one group across signed-off EIAs;
- ``tables``: the dashboard's tables as ``eia.exports.tables.Table`` for download.
"""
