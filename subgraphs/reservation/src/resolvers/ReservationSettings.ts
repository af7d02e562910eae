import type { ReservationSettingsResolvers } from '../generated/graphql';
import { formatTimeOfDay } from '../rules';

export const ReservationSettings: ReservationSettingsResolvers = {
  opensAt: (settings) => formatTimeOfDay(settings.opensAtMinute),
  closesAt: (settings) => formatTimeOfDay(settings.closesAtMinute),
};
