"""The science: pure Python/NumPy, no Dash, no Plotly."""
