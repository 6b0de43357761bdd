"""axe-core in the page: the serious and critical violations a person with assistive tech meets."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

#: The impacts that fail the accessibility test.
BLOCKING = ("serious", "critical")
#: Desktop and phone viewports every page type is checked at.
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}

_axe = Axe()


def violations(page: Any) -> list[dict[str, Any]]:
    """Every axe violation on the page as it is now (all impacts)."""
    return list(_axe.run(page).response["violations"])


def blocking(page: Any) -> list[str]:
    """One line per serious or critical violation: rule, impact, first few targets."""
    lines = []
    for violation in violations(page):
        if violation["impact"] in BLOCKING:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            count = len(violation["nodes"])
            lines.append(f"{violation['id']} ({violation['impact']}, {count} elements): {targets}")
    return lines
