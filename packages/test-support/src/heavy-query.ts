/**
 * An honest, heavy front-end query: a page of 100 customers with their reservations and each
 * reservation's customer (entity fetches both ways), a page of products with their categories
 * and the category menu. Against 100 customers with 3 reservations each it answers ~100 KB;
 * the default limits must accept it (tests) and its analysis cost is benchmarked (bench).
 */
export const HEAVY_QUERY = `query StaffDashboard($customers: Int = 100, $products: Int = 100) {
  customers(first: $customers) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id name email phone notes createdAt updatedAt
      reservations { id startsAt endsAt partySize status notes createdAt updatedAt customer { id name email phone } }
    }
  }
  products(first: $products) {
    totalCount
    nodes { id name description priceCents currency isActive category { id name position } }
  }
  categories(first: 20) {
    nodes { id name position products(first: 20) { totalCount nodes { id name priceCents currency } } }
  }
}`;

/** The shape HEAVY_QUERY's data has for `customers` customers with `reservationsEach` reservations. */
export function heavyQueryData(customers = 100, reservationsEach = 3): Record<string, unknown> {
  const stamp = '2026-11-24T18:30:00.000Z';
  const person = (i: number) => ({
    id: `0193a5d2-0000-7000-8000-${String(i).padStart(12, '0')}`,
    name: `Guest number ${i}`,
    email: `guest${i}@venue.example.com`,
    phone: '+31611234567',
  });
  return {
    customers: {
      totalCount: customers,
      pageInfo: { hasNextPage: false, endCursor: null },
      nodes: Array.from({ length: customers }, (_, c) => ({
        ...person(c),
        notes: 'Prefers a table by the window; allergic to peanuts.',
        createdAt: stamp,
        updatedAt: stamp,
        reservations: Array.from({ length: reservationsEach }, (_, r) => ({
          id: `0193a5d2-0000-7000-9000-${String(c * 100 + r).padStart(12, '0')}`,
          startsAt: stamp,
          endsAt: stamp,
          partySize: 2 + r,
          status: 'CONFIRMED',
          notes: 'Birthday dinner, bring the cake at 21:00.',
          createdAt: stamp,
          updatedAt: stamp,
          customer: person(c),
        })),
      })),
    },
    products: { totalCount: 0, nodes: [] },
    categories: { nodes: [] },
  };
}
