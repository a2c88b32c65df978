"""The CI/CD tool catalog (`tools.yaml`) and its lookups: see `catalog.py`."""
from .catalog import CAPABILITIES, Catalog, Tool, Use, catalog

__all__ = ["CAPABILITIES", "Catalog", "Tool", "Use", "catalog"]
