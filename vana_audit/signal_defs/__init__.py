"""The signal catalogue: one module per signal-name prefix (`ci.py` holds every `ci.*` signal, `tf.py`
every `tf.*`), each registering its signals with `@signal(name, description)`; helpers that signals of
several prefixes use live in `_shared.py`. Importing this package registers them all
(tests/test_signal_modules.py checks that each signal sits in the module of its prefix)."""

from . import (  # noqa: F401
    app,
    build,
    ci,
    code,
    compose,
    deploy,
    deps,
    docker,
    docs,
    env,
    frontend,
    gha,
    gitops,
    helm,
    history,
    iac,
    js,
    k8s,
    mon,
    release,
    repo,
    secrets,
    stack,
    tests,
    tf,
    typecheck,
)
