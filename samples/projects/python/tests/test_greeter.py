from greeter import greet


def test_greets_by_name():
    assert greet(" Ada ") == "Hello, Ada!"


def test_greets_strangers():
    assert greet("") == "Hello, stranger!"
