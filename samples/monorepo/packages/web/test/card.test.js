import { test } from 'node:test';
import assert from 'node:assert/strict';
import { card } from '../src/index.js';

test('escapes the title and shows the price', () => {
  assert.equal(card({ title: 'Tea & <Cake>', cents: 400 }), '<article><h2>Tea &amp; &lt;Cake&gt;</h2><p>4.00 EUR</p></article>');
});
