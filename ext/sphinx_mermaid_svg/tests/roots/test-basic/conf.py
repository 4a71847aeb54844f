import os

extensions = ["sphinx_mermaid_svg"]
mermaid_svg_drawings = "_drawings"
mermaid_svg_node_modules = os.environ["MERMAID_SVG_NODE_MODULES"]  # set by the tests' conftest.py
mermaid_svg_draw = False
mermaid_svg_draw_command = "`make drawings`"
