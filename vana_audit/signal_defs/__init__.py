"""The signal catalogue. Each module registers signals with `@signal(name, description)`;
importing this package registers them all."""
from . import core  # noqa: F401
