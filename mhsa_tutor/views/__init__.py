"""Views of a trace: the terminal (``terminal``), the offline page and heatmap (``page``), and the exports."""
