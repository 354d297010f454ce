project = "myks-gallery"
copyright = "myks-gallery contributors"
release = "1.0.0.dev0"

extensions = []
templates_path = []
exclude_patterns = ["_build"]
html_theme = "alabaster"
