"""WTForms for the pages of the guided EIA journey."""
