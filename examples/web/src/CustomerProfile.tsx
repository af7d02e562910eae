import { useQuery } from '@apollo/client/react';
import { ErrorBanner } from './ErrorBanner';
import { CustomerProfilePageDocument } from './gql/graphql';

export function CustomerProfile({ id, onBack }: { id: string; onBack: () => void }) {
  const { data, error, loading } = useQuery(CustomerProfilePageDocument, { variables: { id } });
  if (loading && !data) return <p>Loading…</p>;
  const customer = data?.customer;
  return (
    <section>
      <button className="link" onClick={onBack}>
        ← Customers
      </button>
      <ErrorBanner error={error} partial={Boolean(customer)} />
      {customer === null && <p>No such customer.</p>}
      {customer && (
        <>
          <h2>{customer.name}</h2>
          <dl>
            <dt>Email</dt>
            <dd>{customer.email}</dd>
            <dt>Phone</dt>
            <dd>{customer.phone ?? '—'}</dd>
            <dt>Notes</dt>
            <dd>{customer.notes ?? '—'}</dd>
          </dl>
          <h3>Reservations</h3>
          {customer.reservations ? (
            <ul>
              {customer.reservations.map((reservation) => (
                <li key={reservation.id}>
                  {new Date(reservation.startsAt).toUTCString()} — party of {reservation.partySize}, {reservation.status}
                </li>
              ))}
            </ul>
          ) : (
            <p className="unavailable">Reservations are unavailable right now.</p>
          )}
        </>
      )}
    </section>
  );
}
