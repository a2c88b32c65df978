"""The signals with their catalogue: every name of `signal_core` (the `Signal` value, the `@signal`
registry, `Signals`, the helpers and patterns the signal modules share) plus every signal of
`signal_defs/` registered. Import this module to evaluate signals; the signal modules themselves
import `signal_core`, which imports none of them, so the catalogue is no import loop."""

from . import signal_defs as signal_defs  # registers the catalogue
from .signal_core import *  # noqa: F403
