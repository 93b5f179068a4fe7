"""Test fakes: local stand-ins for the servers the action talks to (a Warehouse index
and GitHub's OIDC token endpoint). Never shipped: the runtime package is ``publisher``."""
