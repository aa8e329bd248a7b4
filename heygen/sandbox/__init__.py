"""A HeyGen-v3-compatible HTTP server for demos and tests without a key or network.

Standard library only; independent of the rest of the `heygen` package.

    from heygen.sandbox import Sandbox
    with Sandbox(render_seconds=2) as sb:
        ...  # talk to sb.base_url with X-Api-Key: sb.api_key

Rehearsals: `configure` (timing, outcomes, limits), `add_fault` (broken answers), `set_video_outcome`,
and `misspeak` — finished videos whose subtitles (and length) are wrong on purpose, e.g.
`sb.misspeak(nth=3, swap=("John", "Jon"))`, `sb.misspeak(match="John", change_number=("14", "15"))`,
`drop_sentence=2`, `placeholder="{{company}}"`, `stretch=1.6`, `kind="agent"` (see misspeak). Each has
a /_sandbox/* control endpoint for tests in other processes (see control). A long fault delay (a 30 s
create) ends early with `release_faults`.

Of the 85 endpoints of July's v3 reference (endpoints.py), those the sandbox does not implement answer
404 "The sandbox does not offer METHOD /path." (see routing).
"""

from .service import Sandbox
from .state import FAULT_KINDS, OUTCOMES

__all__ = ["Sandbox", "FAULT_KINDS", "OUTCOMES"]
