"""`reportgen serve`: a local web page and JSON API over the same engine as the CLI (issue 15).

Layout: `app` (the ASGI app and its guard), `views` (the page), `api` (the JSON API), `page` (what the
page shows), `uploads` (streamed multipart into a private folder), `security` (token, Host, Origin,
headers), `adapter` (the only module that calls the rest of reportgen). Templates and assets live in
templates/web/, served from this machine only.
"""
