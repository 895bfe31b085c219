"""backport: carry a Linux kernel fix to the other trees that need it."""
import os as _os
import signal as _signal
import sys as _sys

__version__ = "0.1.0"


def _interrupted_while_starting(signum, frame):  # ^C before main() runs: one line, no traceback
    _os.write(2, b"backport: interrupted\n")
    _os._exit(128 + signum)


# The console script imports this package first: from here until cli.main() starts, ^C ends the
# run with one line instead of a traceback from the middle of an import.
if _os.path.basename(_sys.argv[0] if _sys.argv else "") == "backport":
    _signal.signal(_signal.SIGINT, _interrupted_while_starting)
