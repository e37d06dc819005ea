"""Suite-wide settings: hypothesis examples are not timed (CI's 2 cores may be busy)."""

from hypothesis import settings

settings.register_profile("salesmetrics", deadline=None)
settings.load_profile("salesmetrics")
