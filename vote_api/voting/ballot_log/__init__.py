"""The ballot log: every vote and invalidation as a leaf of an RFC 9162 Merkle log per ballot."""
