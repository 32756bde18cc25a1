"""Web pages for editors and the inspection office: server-rendered (Jinja2), a little plain JavaScript."""
