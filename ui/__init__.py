"""Streamlit-side helpers for app.py: caching, asset serving and error display.

This is the only package besides app.py that imports streamlit; ``geo`` never does.
"""
