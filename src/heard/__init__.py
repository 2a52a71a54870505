"""heard: make a product team's collaboration with its customers accountable."""

__version__ = "0.1.0"
