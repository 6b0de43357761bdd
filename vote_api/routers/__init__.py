"""One router per resource; each is built for an app's own limiter."""
