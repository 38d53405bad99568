package com.example.greeter;

/** Greets people by name. */
public final class Greeter {
  private Greeter() {}

  public static String greet(String name) {
    if (name == null || name.isBlank()) return "Hello, stranger!";
    return "Hello, " + name.strip() + "!";
  }
}
