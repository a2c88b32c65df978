"""The signal catalogue. Each module registers signals with `@signal(name, description)`;
importing this package registers them all."""

from . import (  # noqa: F401,E402
    containers,  # noqa: F401
    core,  # noqa: F401
    delivery,  # noqa: F401
    infrastructure,
    observability,
    repo_practice,
    stack,  # noqa: F401
    workflow_security,  # noqa: F401
)
