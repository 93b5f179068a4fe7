"""Test fakes: local stand-ins for the servers the action talks to (a Warehouse index,
GitHub's OIDC token endpoint, and Sigstore's Fulcio and Rekor). Never shipped: the
runtime package is ``publisher``."""
