import { test } from 'node:test';
import assert from 'node:assert/strict';
import { productResponse } from '../src/index.js';

test('renders a product with its price', () => {
  assert.deepEqual(productResponse({ id: 7, title: 'Mug', cents: 1250 }), { id: 7, title: 'Mug', price: '12.50 EUR' });
});
