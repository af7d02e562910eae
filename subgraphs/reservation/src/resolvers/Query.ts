import { parseId } from '@reservations/platform/graphql/ids';
import { pageRequest } from '@reservations/platform/graphql/pagination';
import type { QueryResolvers } from '../generated/graphql';
import { checkPartySize } from '../rules';
import { timeFilter } from './arguments';

export const Query: QueryResolvers = {
  reservation(_, args, context) {
    return context.reservations().byId.load(parseId(args.id, 'id'));
  },

  reservations(_, args, context) {
    const page = pageRequest(args.first, args.after);
    const filter = { ...timeFilter(args), customerId: args.customerId ? parseId(args.customerId, 'customerId') : null };
    return context.reservations().page(page, filter);
  },

  reservationByIdempotencyKey(_, args, context) {
    return context.reservations().withIdempotencyKey(args.key);
  },

  availability(_, args, context) {
    return context.reservations().availability(args.date, checkPartySize(args.partySize, 'partySize'));
  },

  reservationSettings(_, __, context) {
    return context.reservations().settings();
  },
};
