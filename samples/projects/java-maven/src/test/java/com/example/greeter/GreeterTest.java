package com.example.greeter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GreeterTest {
  @Test
  void greetsByName() {
    assertEquals("Hello, Ada!", Greeter.greet(" Ada "));
  }

  @Test
  void greetsStrangers() {
    assertEquals("Hello, stranger!", Greeter.greet(""));
  }
}
