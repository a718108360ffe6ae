"""kehoach's HTTP service: upload plans, store their task lists, review, export.

Start it with ``kehoach serve``; build it in code with :func:`service.app.create_app`.
"""
