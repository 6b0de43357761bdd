"""The secretariat's console: staff accounts with two-factor sign-in and pages under /admin."""
