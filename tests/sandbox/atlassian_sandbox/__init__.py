"""A contract-faithful simulator of the Atlassian APIs the collection uses, served over HTTPS on loopback.

See tests/sandbox/README.md.
"""
