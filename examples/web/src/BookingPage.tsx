import { useApolloClient, useFragment, useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { codesOf } from './errors';
import { ErrorBanner } from './ErrorBanner';
import {
  BookingAvailabilityDocument,
  BookingByKeyDocument,
  BookingFieldsFragmentDoc,
  BookTableDocument,
  CancelBookingDocument,
  ConfirmBookingDocument,
  CustomerChoicesDocument,
} from './gql/graphql';

function tomorrow(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}

const time = (iso: string) => new Date(iso).toISOString().slice(11, 16);

/** One booking, read live from the cache: confirm and cancel change it without a refetch. */
function Booking({ id }: { id: string }) {
  const { data, complete } = useFragment({
    fragment: BookingFieldsFragmentDoc,
    fragmentName: 'BookingFields',
    from: { __typename: 'Reservation', id },
  });
  const [confirm, confirmed] = useMutation(ConfirmBookingDocument);
  const [cancel, cancelled] = useMutation(CancelBookingDocument);
  if (!complete) return null;
  const open = data.status === 'PENDING' || data.status === 'CONFIRMED';
  return (
    <li className="booking" data-status={data.status}>
      {data.customer.name}, {data.startsAt.slice(0, 10)} {time(data.startsAt)} UTC, party of {data.partySize}:{' '}
      <strong className="status">{data.status}</strong>{' '}
      {data.status === 'PENDING' && <button onClick={() => confirm({ variables: { input: { id } } }).catch(() => undefined)}>Confirm</button>}
      {open && <button onClick={() => cancel({ variables: { input: { id } } }).catch(() => undefined)}>Cancel</button>}
      <ErrorBanner error={confirmed.error ?? cancelled.error} />
    </li>
  );
}

export function BookingPage() {
  const apollo = useApolloClient();
  const customers = useQuery(CustomerChoicesDocument);
  const [customerId, setCustomerId] = useState('');
  const [date, setDate] = useState(tomorrow);
  const [partySize, setPartySize] = useState(2);
  const [asked, setAsked] = useState<{ date: string; partySize: number } | null>(null);
  const availability = useQuery(BookingAvailabilityDocument, { variables: asked ?? { date, partySize }, skip: asked === null });
  const [book, booking] = useMutation(BookTableDocument);
  const [bookingError, setBookingError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  // The key of the booking being attempted: reused on every retry of it, new for the next one.
  const [attempt, setAttempt] = useState<{ key: string; startsAt: string } | null>(null);
  const [booked, setBooked] = useState<string[]>([]);
  const chosen = customerId || customers.data?.customers.nodes[0]?.id || '';

  async function settleUnknown(key: string): Promise<void> {
    // The booking may have been made: look it up by its key before offering to book again.
    const { data } = await apollo.query({ query: BookingByKeyDocument, variables: { key }, fetchPolicy: 'network-only' });
    const found = data?.reservationByIdempotencyKey;
    if (found) {
      setBooked((ids) => [found.id, ...ids]);
      setAttempt(null);
      setNote('The booking went through.');
    } else {
      setNote('The booking was not made. Press the time again to retry it.');
    }
  }

  async function bookSlot(startsAt: string): Promise<void> {
    const key = attempt?.startsAt === startsAt ? attempt.key : crypto.randomUUID();
    setAttempt({ key, startsAt });
    setBookingError(null);
    setNote('');
    try {
      const { data } = await book({
        variables: { input: { customerId: chosen, startsAt, partySize: asked?.partySize ?? partySize, idempotencyKey: key } },
        refetchQueries: [BookingAvailabilityDocument],
      });
      const made = data?.createReservation.reservation;
      if (made) setBooked((ids) => [made.id, ...ids.filter((id) => id !== made.id)]);
      setAttempt(null);
    } catch (error) {
      setBookingError(error);
      const codes = codesOf(error);
      if (codes.includes('OUTCOME_UNKNOWN')) await settleUnknown(key).catch(setBookingError);
      // Anything else was refused or not applied: a new attempt at another time gets a new key.
      else if (!codes.includes('SERVICE_UNAVAILABLE')) setAttempt(null);
    }
  }

  return (
    <section>
      <h2>Book a table</h2>
      <ErrorBanner error={customers.error} />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setAsked({ date, partySize });
        }}
      >
        <label>
          Customer{' '}
          <select name="customer" value={chosen} onChange={(event) => setCustomerId(event.target.value)}>
            {customers.data?.customers.nodes.map((customer) => (
              <option key={customer.id} value={customer.id}>
                {customer.name}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Day <input name="date" type="date" value={date} onChange={(event) => setDate(event.target.value)} />
        </label>{' '}
        <label>
          Party <input name="partySize" type="number" min={1} value={partySize} onChange={(event) => setPartySize(Number(event.target.value))} />
        </label>{' '}
        <button type="submit">Show times</button>
      </form>
      <ErrorBanner error={availability.error} />
      {availability.data && (
        <div className="slots">
          {availability.data.availability.length === 0 && <p>No times left that day.</p>}
          {availability.data.availability.map((slot) => (
            <button
              key={slot.startsAt}
              className="slot"
              data-starts-at={slot.startsAt}
              disabled={!slot.available || booking.loading}
              onClick={() => void bookSlot(slot.startsAt)}
            >
              {time(slot.startsAt)} ({slot.remainingCapacity} left)
            </button>
          ))}
        </div>
      )}
      <div className="booking-result">
        <ErrorBanner error={bookingError} />
        {note && <p className="note">{note}</p>}
      </div>
      <h3>Your bookings</h3>
      <ul className="bookings">
        {booked.map((id) => (
          <Booking key={id} id={id} />
        ))}
      </ul>
    </section>
  );
}
