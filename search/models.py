"""Search index tables arrive with the search issue."""
