"""AI2-THOR: event metadata -> scenes (``convert``) and the live capture loop (``capture``).

``ai2thor`` itself is optional (``pip install 'spdsl[ai2thor]'``) and only
imported when a real controller is started.
"""

from .capture import CaptureOptions, CaptureResult, capture, default_controller_factory
from .convert import check_event, events_scene_doc, scene_from_events

__all__ = ["CaptureOptions", "CaptureResult", "capture", "check_event",
           "default_controller_factory", "events_scene_doc", "scene_from_events"]
