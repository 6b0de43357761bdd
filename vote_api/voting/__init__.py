"""The social-evaluation vote: ballots, voter identity, casting, receipts, tallies, review."""
