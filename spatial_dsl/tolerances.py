"""The numbers of the specification, each written once: tolerances, margins, thresholds.

Every constant below is a number the spec states (the section and its words are in the
comment) or, where marked *project*, a number the spec leaves to the implementation and
the project fixed (README / module docs say why). The kernels, the reference interpreter,
the docs, the template engine, `refer` and `synth` import them from here; no other module
writes these numbers. Implementation epsilons (float round-off: ``geometry.GAP_SNAP``,
``INSIDE_TOL`` ...) are not spec numbers and stay beside the code they protect.

A leaf module: it imports nothing, so any layer may read it.
"""

from __future__ import annotations

# ------------------------------------------------------------ relations (language.md §5)
# `above(a, b)`: "a.bottom >= b.top - 0.05m"; `on(a, b)`: "|a.bottom - b.top| <= 0.05m"
SUPPORT_TOLERANCE = 0.05  # m
# `on(a, b)`: "a.top > b.top + 0.02m" (a thin object lying *in* b is not on it)
SUPPORT_MIN_RISE = 0.02  # m
# `on(a, b)`: "at least half of a's footprint area lies over b's footprint"
SUPPORT_MIN_SHARE = 0.5
# `bearing` / `direction`: "a zero-length f or r (under 1 mm) is Degenerate"
DEGENERATE_LENGTH = 1e-3  # m

# ------------------------------------------------------- visibility (language.md §5)
# `visible(o, f)`: "visibility(o, f) >= 0.1"
VISIBLE_FRACTION = 0.1
# synthesis.md "Clearly visible": "visibility(o, f) >= 0.3 and screen_size(o, f) >= 32"
CLEAR_FRACTION = 0.3
CLEAR_PIXELS = 32.0  # pixels
# project: `screen_size` clips a box to the part at least this far in front of the camera
SCREEN_NEAR = 0.01  # m

# ------------------------------------------------------------ route (language.md §5)
# "if |d| >= 0.05 m, turn ... then go forward |d|"
ROUTE_MIN_STEP = 0.05  # m
# "drop merged turns under 1°"
ROUTE_MIN_TURN = 1.0  # degrees

# ------------------------------------------- stability and agreement (synthesis.md)
# "the answer is unchanged (numbers within 5 %) when every object's centre is jittered by
# up to 2 cm, over 8 seeded trials" (templates, references and synth alike)
STABLE_TOLERANCE = 0.05  # relative, for numbers
JITTER_RADIUS = 0.02  # m
JITTER_TRIALS = 8
# agreement: "k independently sampled programs ... give the same answer (numbers within 1 %)"
AGREEMENT_TOLERANCE = 0.01  # relative

# ---------------------------------------------------- references (synthesis.md refer)
# extremes: "accepted only if it beats the runner-up by >= 10 %"
EXTREME_MARGIN = 0.10  # relative
# nearest / farthest: "margin >= 20 % and >= 0.3 m"
DISTANCE_MARGIN_REL = 0.20
DISTANCE_MARGIN_M = 0.30  # m
# relations: "near(within=0.5m)"
NEAR_WITHIN_M = 0.5  # m
# project: highest / lowest need centre heights this far apart
ELEVATION_MARGIN_M = 0.15  # m
# project: leftmost / rightmost in a view need bearings this far apart
BEARING_MARGIN_DEG = 10.0  # degrees

# ------------------------------------------------------ balance (synthesis.md datasets)
# "--max-share (default 0.5 for Bool, else 1/(#answers) + 0.1)"
MAX_SHARE_BOOL = 0.5
MAX_SHARE_SLACK = 0.1
