"""The mla-kg web server: a read-only SPARQL 1.1 endpoint, dumps, descriptions and HTML pages.

Build it with :func:`mla_kg.server.app.get_app`; run it with ``mla-kg serve``.
"""
