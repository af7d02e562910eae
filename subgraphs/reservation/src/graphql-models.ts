/**
 * What the resolvers of each GraphQL type receive as their parent (GraphQL Code Generator's
 * mappers, see codegen.ts): the Prisma rows, the stores' shapes and connections, and for
 * `Customer` only the reference this subgraph holds.
 */
import type { Connection } from '@reservations/platform/graphql/pagination';
import type { AvailabilitySlot, Reservation } from './data/reservations';
import type { EffectiveSettings } from './data/settings';

export type ReservationModel = Reservation;
export type ReservationConnectionModel = Connection<Reservation>;
export type ReservationSettingsModel = EffectiveSettings;
export type AvailabilitySlotModel = AvailabilitySlot;
/** The customer subgraph owns customers; here a customer is its id. */
export interface CustomerModel {
  id: string;
}
