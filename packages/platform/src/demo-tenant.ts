import { DEMO_TENANT } from './tenancy';

/**
 * The demo tenant both subgraphs seed on first start. Ids are fixed so the reservation
 * subgraph can refer to the customer subgraph's customers without reading its database,
 * and so seeding twice changes nothing.
 */
export const demoTenant = DEMO_TENANT;

export const demoCustomers = [
  { id: '0190a5f0-0000-7000-8000-000000000001', name: 'Ada Lovelace', email: 'ada@example.com' },
  { id: '0190a5f0-0000-7000-8000-000000000002', name: 'Grace Hopper', email: 'grace@example.com' },
  { id: '0190a5f0-0000-7000-8000-000000000003', name: 'Alan Turing', email: 'alan@example.com' },
  { id: '0190a5f0-0000-7000-8000-000000000004', name: 'Katherine Johnson', email: 'katherine@example.com' },
] as const;

type DemoStatus = 'PENDING' | 'CONFIRMED';

interface DemoReservation {
  id: string;
  customerId: string;
  /** Days after the seeding day; the table is booked for 19:00 UTC plus `hourOffset`. */
  inDays: number;
  hourOffset: number;
  partySize: number;
  status: DemoStatus;
}

const plan: [customerIndex: number, inDays: number, hourOffset: number, partySize: number, status: DemoStatus][] = [
  [0, 1, 0, 2, 'CONFIRMED'],
  [0, 8, 1, 4, 'PENDING'],
  [1, 2, 0, 3, 'CONFIRMED'],
  [1, 3, 1, 2, 'CONFIRMED'],
  [2, 1, 1, 6, 'PENDING'],
  [3, 5, 0, 2, 'CONFIRMED'],
];

export const demoReservations: DemoReservation[] = plan.map(([customerIndex, inDays, hourOffset, partySize, status], index) => ({
  id: `0190a5f0-0000-7000-9000-${String(index + 1).padStart(12, '0')}`,
  customerId: demoCustomers[customerIndex]!.id,
  inDays,
  hourOffset,
  partySize,
  status,
}));

/** The instant a demo reservation starts, relative to `now`. */
export function demoStartsAt(reservation: DemoReservation, now: Date): Date {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + reservation.inDays));
  day.setUTCHours(19 + reservation.hourOffset);
  return day;
}
