/** What the booking fault tests share (not a test file itself). */
import { graphqlData } from '@reservations/test-support/graphql';

export const CREATE = 'mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }';

/** The id of the booking made with `key` in `tenant`, or null, asked as a client would. */
export async function bookingByKey(url: string, tenant: string, key: string): Promise<string | null> {
  const { reservationByIdempotencyKey } = await graphqlData<{ reservationByIdempotencyKey: { id: string } | null }>(
    url,
    'query ($key: String!) { reservationByIdempotencyKey(key: $key) { id } }',
    { tenant, variables: { key } },
  );
  return reservationByIdempotencyKey?.id ?? null;
}

/** A customer to book for, made through the gateway. */
export async function createBookingCustomer(url: string, tenant: string, name: string, email: string): Promise<string> {
  const {
    createCustomer: { customer: createCustomer },
  } = await graphqlData<{ createCustomer: { customer: { id: string } } }>(
    url,
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
    { tenant, variables: { input: { name, email } } },
  );
  return createCustomer.id;
}
