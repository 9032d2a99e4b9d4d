"""AI2-THOR: event metadata -> scenes (``convert``), the live capture loop (``capture``,
planned on ``reachable``) and rendering of recorded frames (``render``).

``ai2thor`` itself is optional (``pip install 'spdsl[ai2thor]'``) and only
imported when a real controller is started.
"""

from .capture import CaptureOptions, CaptureResult, capture, default_controller_factory
from .convert import check_event, events_scene_doc, scene_from_events, scene_name
from .render import RenderOptions, RenderReport, render, teleport_pose

__all__ = ["CaptureOptions", "CaptureResult", "RenderOptions", "RenderReport", "capture",
           "check_event", "default_controller_factory", "events_scene_doc", "render",
           "scene_from_events", "scene_name", "teleport_pose"]
