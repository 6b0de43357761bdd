"""Objections during the publicity of the proposed winners, and the secretariat's case handling."""
