def greet(name: str) -> str:
    """Greets people by name."""
    name = (name or "").strip()
    return f"Hello, {name}!" if name else "Hello, stranger!"
