import { price } from '@acme/shared';

/** The response body for a product: what the API sends to the web shop. */
export function productResponse(product) {
  return { id: product.id, title: product.title, price: price(product.cents) };
}
