"""Renderers: model -> XHTML (and speech script)."""
