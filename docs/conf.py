"""Sphinx configuration of the documentation of myks-gallery."""

project = "myks-gallery"
copyright = "myks-gallery contributors"
release = "1.0.0.dev0"
version = "1.0"

extensions = []
templates_path = []
exclude_patterns = ["_build"]

html_theme = "alabaster"
html_static_path = ["_static"]
html_title = "myks-gallery"
html_theme_options = {
    "description": "A photo gallery with granular access control, for Django.",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "240px",
    "show_relbars": True,
}
html_sidebars = {"**": ["about.html", "navigation.html", "searchbox.html"]}
