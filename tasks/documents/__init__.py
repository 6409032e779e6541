"""Plan documents in: the parser, Word files, a parsed plan saved, the parent plan's alignment,
the seed plans."""
