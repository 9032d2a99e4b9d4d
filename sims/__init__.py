"""Simulators and importers around SpatialDSL scenes (scenes.md).

- ``sims.walk``: camera walks with geometric visibility for scenes without frames;
- ``sims.visibility``: the visibility estimate (frustum + box occlusion);
- ``sims.ai2thor``: AI2-THOR event metadata -> scenes, and the live capture loop;
- ``sims.importers``: SPRITE, ScanNet-style boxes, meshes and saved AI2-THOR
  metadata as scene sources (``sprite:PATH``, ``scannet:PATH``, ``mesh:PATH``,
  ``ai2thor:PATH``).

Every bad input raises ``spatial_dsl.scenes.errors.SceneError``.
"""
