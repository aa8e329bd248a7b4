"""A HeyGen-v3-compatible HTTP server for demos and tests without a key or network.

Standard library only; independent of the rest of the `heygen` package.

    from heygen.sandbox import Sandbox
    with Sandbox(render_seconds=2) as sb:
        ...  # talk to sb.base_url with X-Api-Key: sb.api_key
"""

from .service import Sandbox
from .state import FAULT_KINDS, OUTCOMES

__all__ = ["Sandbox", "FAULT_KINDS", "OUTCOMES"]
