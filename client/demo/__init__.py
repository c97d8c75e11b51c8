"""The demo territory around Clermont-Ferrand, loaded through the real client.

It lives in ``client/`` because it is a client of the API like any partner's tool: it
makes keys, encrypts, signs and certifies here and speaks HTTP, and the import-linter
contract "the client never imports the domain" keeps it honest (it cannot write rows
around the services). The CLI (``coffre demo``, cli/demo.py) adds the one operator step
with no API, the territory's trust root, then calls ``client.demo.build``.
"""
