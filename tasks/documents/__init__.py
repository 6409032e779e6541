"""Plan documents in: text, Word and PDF files read as plans, a parsed plan saved, the parent
plan's alignment, the seed plans."""
