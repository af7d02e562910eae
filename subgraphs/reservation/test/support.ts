/** Helpers shared by the reservation subgraph's tests (not a test file itself). */
import { graphql, graphqlData, type GraphQLResponseBody, type GraphQLTarget } from '@reservations/test-support/graphql';
import type { Clock } from '../src/clock';

export const RESERVATION_FIELDS = 'id startsAt endsAt partySize status notes cancellationReason createdAt updatedAt customer { id }';

export interface ReservationView {
  id: string;
  startsAt: string;
  endsAt: string;
  partySize: number;
  status: string;
  notes: string | null;
  cancellationReason: string | null;
  createdAt: string;
  updatedAt: string;
  customer: { id: string };
}

export const CREATE = `mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { ${RESERVATION_FIELDS} } } }`;

export interface BookingInput {
  customerId: string;
  startsAt: string;
  partySize?: number;
  notes?: string | null;
  idempotencyKey?: string;
}

let customerCount = 0;

/** A real customer, created through the customer subgraph's own API. */
export async function createCustomer(customerUrl: string, tenant: string, name = 'Test Customer'): Promise<string> {
  customerCount += 1;
  const data = await graphqlData<{ createCustomer: { customer: { id: string } } }>(
    customerUrl,
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
    { tenant, variables: { input: { name, email: `c${customerCount}-${Date.now()}@example.com` } } },
  );
  return data.createCustomer.customer.id;
}

/** createReservation, returning the raw body so callers can inspect errors. */
export async function tryBook(
  subgraph: GraphQLTarget,
  tenant: string,
  input: BookingInput,
): Promise<GraphQLResponseBody<{ createReservation: { reservation: ReservationView } }>> {
  const { body } = await graphql<{ createReservation: { reservation: ReservationView } }>(subgraph, CREATE, {
    tenant,
    variables: { input: { partySize: 2, ...input } },
  });
  return body;
}

export async function book(subgraph: GraphQLTarget, tenant: string, input: BookingInput): Promise<ReservationView> {
  const body = await tryBook(subgraph, tenant, input);
  if (body.errors?.length || !body.data) throw new Error(`createReservation failed: ${JSON.stringify(body.errors)}`);
  return body.data.createReservation.reservation;
}

export async function setSettings(subgraph: GraphQLTarget, tenant: string, input: Record<string, unknown>): Promise<void> {
  await graphqlData(
    subgraph,
    'mutation ($input: UpdateReservationSettingsInput!) { updateReservationSettings(input: $input) { reservationSettings { capacity } } }',
    {
      tenant,
      variables: { input },
    },
  );
}

export function errorCode(body: GraphQLResponseBody<unknown>): unknown {
  return body.errors?.[0]?.extensions?.['code'];
}

/** A clock that stands still wherever a test puts it; give `now` to a reservation subgraph. */
export class TestClock {
  private instant = new Date();
  readonly now: Clock = () => new Date(this.instant.getTime());

  set(instant: Date | string): void {
    this.instant = new Date(instant);
  }
}
