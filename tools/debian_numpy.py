"""Imports Debian's numpy 1.x when torch is Debian's python3-torch (1.13, built against it).

A pip numpy 2 in /usr/local comes first on sys.path and breaks torch's numpy bridge ("Numpy is
not available" from torch.from_numpy, which DDPMScheduler.__init__ calls). Call `prefer()`
before importing numpy or torch: only numpy is taken from the Debian folder, and sys.path is
left as it was. Elsewhere (a pip torch, e.g. on a GPU machine) it does nothing.
"""

import importlib.util
import os
import sys

DEBIAN = "/usr/lib/python3/dist-packages"


def prefer():
    """Loads Debian's numpy first when torch is Debian's and numpy is not loaded yet."""
    torch_spec = importlib.util.find_spec("torch")
    if (torch_spec is None or not (torch_spec.origin or "").startswith(DEBIAN + "/")
            or not os.path.isdir(os.path.join(DEBIAN, "numpy")) or "numpy" in sys.modules):
        return
    sys.path.insert(0, DEBIAN)
    try:
        import numpy  # noqa: F401
    finally:
        sys.path.remove(DEBIAN)
