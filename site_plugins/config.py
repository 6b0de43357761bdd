"""Configuration of the award plugin."""

from __future__ import annotations

from datetime import datetime

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class AwardPluginConfig(Config):
    """Where the demo content lives and what moment the build treats as now."""

    #: A folder of demo content (awards/*.yml, notices/*.md) to add; empty for production,
    #: where any content marked ``demo: true`` fails the build.
    demo_dir = c.Type(str, default="")
    #: The moment the build treats as "now" (ISO date-time); empty for the real time.
    #: (An !ENV value arrives already parsed by YAML, hence a datetime is accepted too.)
    now = c.Type((str, datetime), default="")
    #: Search synonyms: a section titled with a term is also found by the other words, e.g.
    #: ``申奖条件: [申报条件]`` (see site_plugins/search_terms.py).
    search_synonyms = c.Type(dict, default={})
    #: The vote service's copies of the ballot logs' signed checkpoints and public key
    #: (``<SZMQA_DATA_DIR>/ballot-log``), published under ``ballot-log/``; empty: none.
    ballot_log_dir = c.Type(str, default="")
