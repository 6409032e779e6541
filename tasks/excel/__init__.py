"""Excel in and out: the 台账 ledger, the fill-in template and its import, admin import/export."""
