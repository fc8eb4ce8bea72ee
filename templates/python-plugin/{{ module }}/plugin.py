"""Entry point of the {{ namespace }}/{{ name }} plugin, loaded by {{ service }} at start-up."""

import logging

logger = logging.getLogger(__name__)


class Plugin:
    """Declared in pyproject.toml under the "{{ entry_point_group }}" entry points."""

    def load(self, dependencies):
        """Called once by {{ service }}; `dependencies` holds what the service shares with plugins."""
        logger.info("{{ name }} plugin loaded")
