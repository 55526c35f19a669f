"""A small chart kit: scales (scales.py) and inline SVG drawings (svg.py).

One way of drawing charts for the web pages and for printed reports. No dependency, no
script, and in the web variant no style attribute or element (the CSP forbids them):
colours come from classes in earned.css, so dark mode follows the page. The print
variant embeds a <style> with fixed light colours instead, because PDF renderers ignore
the page's CSS and `var()` inside inline SVG.
"""
