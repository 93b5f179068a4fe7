"""A tiny package used to demonstrate publishing."""


def greet() -> str:
    """Say hello."""
    return "hello from tpa-example"
