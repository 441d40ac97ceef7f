"""Path classes the program's routes and firewall rules and the policy pack's rules share."""

from __future__ import annotations

# Vercel routes' src pattern that matches every path.
ALL_PATHS = "/(.*)"
