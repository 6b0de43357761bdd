"""The award's domain: categories, levels, quotas, stages, entrants, notices, ballots and rules."""
