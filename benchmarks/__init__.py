"""Benchmarks at council and national scale (`make bench`, `python -m benchmarks`).

- ``generate``: realistic data on PostgreSQL by COPY (10 years of a council, or a nation);
- ``pages``, ``dashboard``, ``sweep``, ``mail``, ``audit_verify``: the figures;
- ``services``: gunicorn, redis-server, the Celery worker and an SMTP server, started and
  stopped here;
- ``report``: the results files in ``benchmarks/results/``.

Speed is reported, never asserted: nothing here fails because the machine is slow.
"""
