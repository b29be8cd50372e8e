// Table-driven checks of the English noun and case conversions the compiler and generators share.
import { describe, expect, it } from 'vitest';
import {
  entityName,
  foreignKeyName,
  joinTableName,
  pluralize,
  resourceName,
  singularize,
  snakeCase,
  tableName,
} from './naming.js';

describe('naming', () => {
  it.each([
    ['categories', 'category'],
    ['people', 'person'],
    ['addresses', 'address'],
    ['statuses', 'status'],
    ['children', 'child'],
    ['boxes', 'box'],
    ['diagnoses', 'diagnosis'],
    ['orders', 'order'],
    ['data', 'data'],
    ['has', 'has'],
    ['its', 'its'],
    ['ads', 'ad'],
  ])('singularize(%s) = %s', (plural, singular) => {
    expect(singularize(plural)).toBe(singular);
  });

  it.each([
    ['category', 'categories'],
    ['person', 'people'],
    ['address', 'addresses'],
    ['day', 'days'],
    ['order', 'orders'],
  ])('pluralize(%s) = %s', (singular, plural) => {
    expect(pluralize(singular)).toBe(plural);
  });

  it('names entities, tables, resources and keys', () => {
    expect(entityName('line items')).toBe('LineItem');
    expect(entityName('People')).toBe('Person');
    expect(tableName('LineItem')).toBe('line_items');
    expect(resourceName('LineItem')).toBe('line-items');
    expect(tableName('Category')).toBe('categories');
    expect(foreignKeyName('Customer')).toBe('customer_id');
    expect(joinTableName('Product', 'Order')).toBe('order_products');
    expect(joinTableName('Order', 'Product')).toBe('order_products');
    expect(snakeCase('dateOfBirth')).toBe('date_of_birth');
  });
});
