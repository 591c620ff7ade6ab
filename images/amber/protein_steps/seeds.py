"""Every random number of a run derives from the run's one `seed` parameter, one stream per consumer.

`stage_seed(seed, consumer)` is the first 8 hex digits of SHA-256 of "<seed>/<consumer>", as an
integer, folded into 1 … 900 000 000 (inside the range sander's Marsaglia generator takes for `ig`).
Consumers: `leap-add-ions` (ion placement, protein_steps.ions) and each MD stage by its simulation
type (`heat`, `nvt`, `npt`, `free`): no two stages replay the same Langevin stream. A seed of -1 stays
-1 everywhere: sander then seeds from the clock and ion placement from the operating system, so the run
is not reproducible (docs/science.md, "Reproducibility").
"""

from __future__ import annotations

import hashlib

RANDOM = -1
SEED_CEILING = 900_000_000


def stage_seed(seed: int, consumer: str) -> int:
    if seed == RANDOM:
        return RANDOM
    digest = hashlib.sha256(f"{seed}/{consumer}".encode()).hexdigest()
    return 1 + int(digest[:8], 16) % SEED_CEILING
