"""The signal catalogue. Each module registers signals with `@signal(name, description)`;
importing this package registers them all."""
from . import core  # noqa: F401
from . import workflow_security  # noqa: F401
from . import containers  # noqa: F401
from . import delivery  # noqa: F401
from . import stack  # noqa: F401
from . import infrastructure, observability, repo_practice  # noqa: F401,E402
