"""The web pages (Jinja2 templates and static assets), served by the FastAPI app.

The person's pages come with the person-web issue; this package holds their place
so the layout and the import contracts are in force from the start.
"""
