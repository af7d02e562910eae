import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { ErrorBanner } from './ErrorBanner';
import { CustomersWithUpcomingDocument } from './gql/graphql';

export function CustomersPage({ onOpen }: { onOpen: (id: string) => void }) {
  // Fixed for the page's life: a new instant each render would be a new query each render.
  const [from] = useState(() => new Date().toISOString());
  const { data, error, loading } = useQuery(CustomersWithUpcomingDocument, { variables: { from } });
  if (loading && !data) return <p>Loading customers…</p>;
  return (
    <section>
      <h2>Customers ({data?.customers.totalCount ?? 0})</h2>
      <ErrorBanner error={error} partial={Boolean(data)} />
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Upcoming reservations</th>
          </tr>
        </thead>
        <tbody>
          {data?.customers.nodes.map((customer) => (
            <tr key={customer.id}>
              <td>
                <button className="link" onClick={() => onOpen(customer.id)}>
                  {customer.name}
                </button>
              </td>
              <td>{customer.email}</td>
              <td>
                {customer.reservations === null || customer.reservations === undefined ? (
                  <em className="unavailable">unavailable</em>
                ) : customer.reservations.length === 0 ? (
                  '—'
                ) : (
                  customer.reservations.map((reservation) => (
                    <span key={reservation.id} className="chip">
                      {new Date(reservation.startsAt).toUTCString().slice(0, 22)} · {reservation.partySize} · {reservation.status}
                    </span>
                  ))
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
