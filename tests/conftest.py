"""Shared test configuration: Hypothesis profiles.

``ci`` (the default) keeps the suite fast; ``long`` is for the recorded
robustness runs (``HYPOTHESIS_PROFILE=long python -m pytest``).
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "long",
    max_examples=100_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
