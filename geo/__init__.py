"""Beijing Exchange Map: the places of Beijing's plan for the Center for International Exchanges."""

__version__ = "0.1.0"
