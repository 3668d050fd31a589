"""Exports: tables as CSV and XLSX, an EIA as PDF and JSON."""
