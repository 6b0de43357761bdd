"""Issuing the single-use captchas that guard votes and objection filings."""
