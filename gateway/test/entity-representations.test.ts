import { dedupe, expand } from '../src/entity-representations';

const product = (upc: string) => ({ __typename: 'Product', upc });

describe('sharing repeated entity representations', () => {
  test('a representation repeated is sent once, and every original position knows its distinct one', () => {
    const representations = [product('1'), product('2'), product('1'), product('3'), product('2'), product('1')];
    expect(dedupe(representations)).toEqual({ distinct: [product('1'), product('2'), product('3')], positions: [0, 1, 0, 2, 1, 0] });
  });

  test('distinct representations leave nothing to share, so the request goes out as Apollo built it', () => {
    expect(dedupe([product('1'), product('2'), { __typename: 'User', id: '1' }])).toBeNull();
    expect(dedupe([])).toBeNull();
  });

  test('the same representation with its keys in another order is the same one; other types and values are not', () => {
    const withRequires = { __typename: 'Product', upc: '1', price: 10, weight: { grams: 5, unit: 'g' } };
    const reordered = { weight: { unit: 'g', grams: 5 }, price: 10, upc: '1', __typename: 'Product' };
    expect(dedupe([withRequires, reordered])).toEqual({ distinct: [withRequires], positions: [0, 0] });
    expect(dedupe([product('1'), { __typename: 'Product', upc: 1 }, { __typename: 'Variant', upc: '1' }, product('1 ')])).toBeNull();
  });

  test('the answer comes back at the original positions, each position with objects of its own', () => {
    const response = {
      data: { _entities: [{ name: 'Lamp', tags: [{ id: 't' }] }, null, { name: 'Rug', tags: [] }] },
      extensions: { note: 'kept' },
    };
    const expanded = expand(response, [0, 1, 0, 2, 1]);
    expect(expanded).toEqual({
      data: {
        _entities: [{ name: 'Lamp', tags: [{ id: 't' }] }, null, { name: 'Lamp', tags: [{ id: 't' }] }, { name: 'Rug', tags: [] }, null],
      },
      extensions: { note: 'kept' },
    });
    const entities = expanded.data!._entities as { tags: unknown[] }[];
    // Apollo merges later fetches into these objects: a shared one would receive them twice.
    expect(entities[2]).not.toBe(entities[0]);
    expect(entities[2]!.tags[0]).not.toBe(entities[0]!.tags[0]);
  });

  test('an error on an entity reaches every position of that entity, in position order, as the subgraph would have reported them', () => {
    const missing = { message: 'Product 2 is gone', path: ['_entities', 1], extensions: { code: 'NOT_FOUND' } };
    const field = { message: 'No stock', path: ['_entities', 0, 'inStock'] };
    const response = { data: { _entities: [{ inStock: null }, null] }, errors: [missing, field] };
    expect(expand(response, [0, 1, 0, 1]).errors).toEqual([
      { message: 'No stock', path: ['_entities', 0, 'inStock'] },
      { message: 'Product 2 is gone', path: ['_entities', 1], extensions: { code: 'NOT_FOUND' } },
      { message: 'No stock', path: ['_entities', 2, 'inStock'] },
      { message: 'Product 2 is gone', path: ['_entities', 3], extensions: { code: 'NOT_FOUND' } },
    ]);
  });

  test('errors without an entity path pass through unchanged and in their place', () => {
    const before = { message: 'Something about the request' };
    const other = { message: 'Elsewhere', path: ['somethingElse', 0] };
    const onEntity = { message: 'Broken', path: ['_entities', 0, 'name'] };
    const response = { data: { _entities: [null] }, errors: [before, onEntity, other] };
    const { errors } = expand(response, [0, 0]);
    expect(errors).toEqual([before, { ...onEntity }, { ...onEntity, path: ['_entities', 1, 'name'] }, other]);
    expect(errors![0]).toBe(before);
    expect(errors![3]).toBe(other);
    const pathless = { data: null, errors: [before] };
    expect(expand(pathless, [0, 0])).toEqual(pathless);
  });

  test('a field aliased __proto__ is copied as data, not as a prototype', () => {
    const response = JSON.parse('{"data":{"_entities":[{"__proto__":{"name":"Lamp"},"upc":"1"}]}}') as { data: Record<string, unknown> };
    const copied = (expand(response, [0, 0]).data!._entities as Record<string, unknown>[])[1]!;
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(JSON.stringify(copied)).toBe('{"__proto__":{"name":"Lamp"},"upc":"1"}');
  });

  test('an answer whose _entities does not match the representations sent is left for Apollo to refuse', () => {
    const short = { data: { _entities: [{ name: 'Lamp' }] } };
    expect(expand(short, [0, 1, 0])).toEqual(short);
  });
});
