"""greenpark: the energy, carbon and environment data of a green industrial park.

The package is layered (see ``docs/architecture.md``): pure ``standards`` and ``hj212`` at the
bottom, one ``store``, domain modules above it, and a thin web app and CLI on top.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
