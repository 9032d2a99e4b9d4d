"""Reference attributes (``o.height``, ``v.x``, ``f.time``, ``room.area``...), registered
in ``REFERENCE_ATTRIBUTES`` by (owner type, name).
"""

from __future__ import annotations

from spatial_dsl.lang import types as T

from .scene import REFERENCE_ATTRIBUTES

# ------------------------------------------------------------------ attributes


def _attribute(owner: T.Type, name: str):
    def register(fn):
        REFERENCE_ATTRIBUTES[(owner, name)] = fn
        return fn
    return register


def _object_field(field: str):
    return lambda c, o: getattr(c.scene, field)[o]


for _name in ("center", "size", "length", "width", "longest", "volume", "footprint", "top",
              "bottom", "yaw"):
    _attribute(T.OBJECT, _name)(_object_field(_name))
for _name, _field in (("id", "ids"), ("category", "categories"), ("label", "labels")):
    _attribute(T.OBJECT, _name)(_object_field(_field))
_attribute(T.OBJECT, "height")(lambda c, o: c.scene.top[o] - c.scene.bottom[o])
for _axis, _i in (("x", 0), ("y", 1), ("z", 2)):
    _attribute(T.VEC3, _axis)(lambda c, v, _i=_i: v[_i])
_attribute(T.FRAME, "index")(lambda c, f: c.scene.frame_index[f])
_attribute(T.FRAME, "time")(lambda c, f: c.scene.frame_time[f])
_attribute(T.FRAME, "position")(lambda c, f: c.scene.frame_position[f])
for _name in ("area", "length", "width", "height"):
    _attribute(T.ROOM, _name)(lambda c, room, _n=_name: c.scene.room[_n])
