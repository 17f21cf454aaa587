"""a11ypress: accessible EPUB, tagged PDF and audio from MDC articles."""

__version__ = "0.1.0"
