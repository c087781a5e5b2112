"""Outputs drawn by code rather than templates: pictures (SVG), the search index, feeds and exports."""
