"""The offline page, its data and assets, the MathML converter and the SVG heatmap."""
