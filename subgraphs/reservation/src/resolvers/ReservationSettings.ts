import type { EffectiveSettings } from '../data/settings';
import { formatTimeOfDay } from '../rules';

export const ReservationSettingsResolvers = {
  opensAt: (settings: EffectiveSettings): string => formatTimeOfDay(settings.opensAtMinute),
  closesAt: (settings: EffectiveSettings): string => formatTimeOfDay(settings.closesAtMinute),
};
