import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { ErrorBanner } from './ErrorBanner';
import { CataloguePageDocument } from './gql/graphql';

const PAGE_SIZE = 8;

export function CataloguePage() {
  const [search, setSearch] = useState('');
  // Cursors of the pages before the current one: "previous" pops, "next" pushes.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const { data, error, loading } = useQuery(CataloguePageDocument, {
    variables: { categoryId: null, search: search || null, first: PAGE_SIZE, after },
  });
  const page = data?.products;
  return (
    <section>
      <h2>Catalogue</h2>
      <input
        type="search"
        placeholder="Search products"
        value={search}
        onChange={(event) => {
          setSearch(event.target.value);
          setCursors([null]);
        }}
      />
      <ErrorBanner error={error} partial={Boolean(data)} />
      {loading && !data ? (
        <p>Loading…</p>
      ) : (
        <>
          <p>
            {page?.totalCount ?? 0} products · page {cursors.length}
          </p>
          <ul className="products">
            {page?.nodes.map((product) => (
              <li key={product.id}>
                <strong>{product.name}</strong> {(product.priceCents / 100).toFixed(2)} {product.currency}
                {product.category && <span className="chip">{product.category.name}</span>}
                {product.description && <div>{product.description}</div>}
              </li>
            ))}
          </ul>
          <button disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous
          </button>
          <button disabled={!page?.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, page?.pageInfo.endCursor ?? null])}>
            Next
          </button>
        </>
      )}
    </section>
  );
}
