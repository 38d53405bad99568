import { test } from 'node:test';
import assert from 'node:assert/strict';
import { price } from '../src/index.js';

test('formats cents as a price', () => {
  assert.equal(price(1999), '19.99 EUR');
  assert.equal(price(5, 'USD'), '0.05 USD');
  assert.equal(price(-250), '-2.50 EUR');
});

test('refuses fractions of a cent', () => {
  assert.throws(() => price(1.5), /must be an integer/);
});
