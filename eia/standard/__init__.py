"""The pan-London practice standard, ``eia-practice/1``: a council's equality impact
assessment practice as small, aggregate, non-personal figures per financial year and
directorate, published as signed JSON that any council can produce and anyone can compare.

- ``schema``: the JSON Schema document (``eia-practice-1.schema.json``, package data) and
  validation against it;
- ``feed``: this council's feed, built from the annual report's figures
  (``eia.reporting.annual``), one source per figure;
- ``suppression``: small numbers shown as "<5", and the rule that keeps them from being
  worked out from the figures around them;
- ``signing``: canonical JSON and its Ed25519 signature, and this council's signing key.
"""

STANDARD = "eia-practice/1"
