"""SpatialDSL: a typed language for exact spatial questions about 3D scenes."""

__version__ = "0.1.0"
