"""oncoguide: a cancer information assistant answering only from its own vetted knowledge base."""

__version__ = "0.1.0"
__all__ = ["__version__"]
