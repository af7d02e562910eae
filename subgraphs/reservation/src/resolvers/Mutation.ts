import { badUserInput } from '@reservations/platform/errors';
import { parseId } from '@reservations/platform/graphql/ids';
import type { ReservationContext } from '../context';
import type { Reservation } from '../data/reservations';

export const MAX_PARTY_SIZE = 100;

interface CreateReservationInput {
  customerId: string;
  startsAt: Date;
  partySize: number;
}

export const MutationResolvers = {
  createReservation(_: unknown, args: { input: CreateReservationInput }, context: ReservationContext): Promise<Reservation> {
    const { input } = args;
    if (input.partySize < 1 || input.partySize > MAX_PARTY_SIZE) {
      throw badUserInput(`input.partySize must be between 1 and ${MAX_PARTY_SIZE}`, 'input.partySize');
    }
    return context.reservations().create({
      customerId: parseId(input.customerId, 'input.customerId'),
      startsAt: input.startsAt,
      partySize: input.partySize,
    });
  },
};
