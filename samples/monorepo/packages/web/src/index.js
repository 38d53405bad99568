import { price } from '@acme/shared';

/** The HTML of one product card in the shop. */
export function card(product) {
  const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  return `<article><h2>${escape(product.title)}</h2><p>${price(product.cents)}</p></article>`;
}
