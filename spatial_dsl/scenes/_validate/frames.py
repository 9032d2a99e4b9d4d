"""The ``frames`` list: indices, times, cameras (pose and intrinsics) and visible fractions."""

from __future__ import annotations

import json
import math
import numbers

from .checked import CheckedFrame
from .checker import MISSING, Checker
from .hints import shown
from .json_values import NonFinite, describe

INT64 = (-(2**63), 2**63 - 1)  # frame indices are stored as int64
PINHOLE_KEYS = ("fx", "fy", "cx", "cy")


def check_frames(c: Checker, frames: object, ids: set[str] | None) -> list[CheckedFrame]:
    if not isinstance(frames, (list, tuple)):
        c.add("frames", f"expected a list of frames, got {describe(frames)}")
        return []
    out = [_check_frame(c, f, f"frames[{i}]", ids) for i, f in enumerate(frames)]
    first: dict[int, int] = {}
    for i, f in enumerate(out):
        if f.index is None:
            continue
        if f.index in first:
            c.add(f"frames[{i}].index", f"duplicate frame index {f.index} "
                  f"(first at frames[{first[f.index]}])")
        first.setdefault(f.index, i)
    return out


def _check_frame(c: Checker, f: object, path: str, ids: set[str] | None) -> CheckedFrame:
    out = CheckedFrame()
    if c.mapping(f, path) is None:
        return out
    if (v := c.get(f, "index", path)) is not MISSING and not isinstance(v, NonFinite):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            c.add(f"{path}.index", f"expected an integer, got {describe(v)}")
        elif not INT64[0] <= v <= INT64[1]:
            c.add(f"{path}.index", f"expected an integer in [-2^63, 2^63), got {v}")
        else:
            out.index = int(v)
    if (v := c.get(f, "time", path)) is not MISSING:
        out.time = c.number(v, f"{path}.time")
    if (cam := c.get(f, "camera", path)) is not MISSING:
        _check_camera(c, cam, f"{path}.camera", out)
    image = f.get("image")
    if image is not None and c.text(image, f"{path}.image") is not None:
        out.image = image
    visible = f.get("visible")
    if visible is not None and c.mapping(visible, f"{path}.visible") is not None:
        out.visible = _check_visible(c, visible, f"{path}.visible", ids)
    return out


def _check_camera(c: Checker, cam: object, path: str, out: CheckedFrame) -> None:
    if c.mapping(cam, path) is None:
        return
    if (v := c.get(cam, "position", path)) is not MISSING:
        out.position = c.point(v, f"{path}.position", 3)
    if (v := c.get(cam, "rotation", path)) is not MISSING:
        out.rotation = c.quaternion(v, f"{path}.rotation")
    for key in ("width", "height"):
        if (v := c.get(cam, key, path)) is not MISSING:
            setattr(out, key, c.positive_int(v, f"{path}.{key}"))
    _check_intrinsics(c, cam, path, out)


def _check_intrinsics(c: Checker, cam: dict, path: str, out: CheckedFrame) -> None:
    given = [k for k in PINHOLE_KEYS if cam.get(k) is not None]
    hfov = cam.get("hfov_deg")
    if hfov is not None and given:
        c.add(path, "give either hfov_deg or fx, fy, cx, cy, not both")
    elif hfov is not None:
        h = c.number(hfov, f"{path}.hfov_deg")
        if h is not None and not 0 < h < 180:
            c.add(f"{path}.hfov_deg", f"expected degrees in (0, 180), got {h:g}")
        elif h is not None and math.tan(math.radians(h) / 2) == 0:
            # a denormal angle: its half in radians rounds to 0 and the focal length to inf
            c.add(f"{path}.hfov_deg", f"{h:g} degrees is too narrow for a focal length")
        elif h is not None:
            out.hfov_deg = h
    elif given and len(given) < 4:
        missing = ", ".join(k for k in PINHOLE_KEYS if k not in given)
        c.add(path, f"missing {missing} (give all of fx, fy, cx, cy, or hfov_deg)")
    elif not given:
        c.add(path, "missing intrinsics: give hfov_deg or all of fx, fy, cx, cy")
    else:
        vals = [c.length(cam[k], f"{path}.{k}") for k in PINHOLE_KEYS]
        bad_focal = [k for k, v in zip(("fx", "fy"), vals) if v is not None and v <= 0]
        for k in bad_focal:
            c.add(f"{path}.{k}", f"focal length must be > 0, got {cam[k]:g}")
        out.pinhole = None if None in vals or bad_focal else vals


def _check_visible(c: Checker, visible: dict, path: str,
                   ids: set[str] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in visible.items():
        p = f"{path}[{json.dumps(str(k), ensure_ascii=False)}]"  # ids are always quoted
        if ids is not None and k not in ids:
            c.add(p, f"unknown object id {shown(k)}{c.suggest_id(k)}")
            continue
        frac = c.number(v, p)
        if frac is not None and not 0 < frac <= 1:
            c.add(p, f"visible fraction must be in (0, 1], got {frac:g}")
        elif frac is not None:
            out[k] = frac
    return out
