"""anchorlib: place baselines, spend and workforce analysis for anchor collaboratives."""

__version__ = "0.1.0"
