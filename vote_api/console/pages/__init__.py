"""The console's page families, one router each: sign-in, overview, ballots, objections, audit, staff."""
