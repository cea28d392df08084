"""Renderers of results: the result JSON now; Markdown and HTML reports as they arrive."""
