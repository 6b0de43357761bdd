"""The service's shared building blocks (captchas and other parts used by every feature)."""
