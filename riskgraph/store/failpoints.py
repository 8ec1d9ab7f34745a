"""Named moments in a write where the crash tests kill the process, as a power cut would.

With ``RISKGRAPH_CRASH_AT=NAME`` in its environment a riskgraph process sends itself SIGKILL
when it reaches the point called NAME (see ``tests/crash``). Without it, a point costs one
dictionary lookup. The points:

- ``commit:applied``: a change is in the store, the writer has not closed it yet;
- ``bulk:batch``: a bulk load (a streaming import) has handed a batch to its loader thread;
- ``bulk:loaded``: every batch of a bulk load is in its staged copy, the commit has not begun;
- ``staged:copied``: a staged write has its new version complete, the link is not switched;
- ``staged:switched``: the link points to the new version, the old one is not removed yet;
- ``last-good:swapping``: between the two renames that replace the last good copy;
- ``push:staged``: every graph of a push is in its staging graph, none is switched in;
- ``push:switching``: the update that switches the staged graphs in is about to be sent.
"""

from __future__ import annotations

import os
import signal

ENV_VAR = "RISKGRAPH_CRASH_AT"


def crash_point(name: str) -> None:
    """Die here, at once and without cleanup, when the crash tests ask for it."""
    if os.environ.get(ENV_VAR) == name:
        os.kill(os.getpid(), signal.SIGKILL)
