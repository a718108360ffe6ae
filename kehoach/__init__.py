"""kehoach: Vietnamese government plans in, grounded task lists out."""
__version__ = "0.1.0"
