"""The secretariat's command line: check content, scaffold notices, build and serve."""
