import { DEFAULT_SETTINGS, formatTimeOfDay, parseTimeOfDay, peakOccupancy, slotStarts, TRANSITIONS } from '../src/rules';

const at = (time: string): Date => new Date(`2030-03-01T${time}:00.000Z`);
const booking = (from: string, to: string, partySize: number) => ({ startsAt: at(from), endsAt: at(to), partySize });

describe('peakOccupancy', () => {
  const bookings = [booking('18:00', '19:00', 4), booking('18:30', '19:30', 3), booking('19:30', '20:30', 5)];

  test.each([
    ['18:00', '19:00', 7],
    ['19:00', '19:30', 3],
    // Half-open ranges: a reservation ending at 19:30 and one starting at 19:30 never overlap.
    ['19:00', '20:00', 5],
    ['17:00', '18:00', 0],
    ['17:00', '21:00', 7],
    ['20:30', '21:00', 0],
  ])('between %s and %s the most guests present is %i', (from, to, expected) => {
    expect(peakOccupancy(bookings, at(from), at(to))).toBe(expected);
  });
});

describe('slotStarts', () => {
  test('the defaults give a slot every 30 minutes from 11:00 to 22:30 UTC', () => {
    const starts = slotStarts('2030-03-01', DEFAULT_SETTINGS).map((date) => date.toISOString());
    expect(starts).toHaveLength(24);
    expect(starts[0]).toBe('2030-03-01T11:00:00.000Z');
    expect(starts.at(-1)).toBe('2030-03-01T22:30:00.000Z');
  });

  test('a closing time at or before the opening time runs into the next day', () => {
    const starts = slotStarts('2030-03-01', { ...DEFAULT_SETTINGS, opensAtMinute: 22 * 60, closesAtMinute: 60, slotIntervalMinutes: 60 });
    expect(starts.map((date) => date.toISOString())).toEqual(['2030-03-01T22:00:00.000Z', '2030-03-01T23:00:00.000Z', '2030-03-02T00:00:00.000Z']);
    expect(slotStarts('2030-03-01', { ...DEFAULT_SETTINGS, opensAtMinute: 0, closesAtMinute: 0, slotIntervalMinutes: 720 })).toHaveLength(2);
  });
});

test('times of day round-trip and malformed ones are refused naming the field', () => {
  expect(formatTimeOfDay(parseTimeOfDay('07:05', 'x'))).toBe('07:05');
  for (const bad of ['7:05', '24:00', '12:60', 'noon']) {
    expect(() => parseTimeOfDay(bad, 'input.opensAt')).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'input.opensAt' } }),
    );
  }
});

test('the status machine allows exactly the documented moves', () => {
  const moves = Object.values(TRANSITIONS).flatMap(({ from, to }) => from.map((origin) => `${origin}->${to}`));
  expect(moves.sort()).toEqual(
    ['PENDING->CONFIRMED', 'CONFIRMED->SEATED', 'SEATED->COMPLETED', 'PENDING->CANCELLED', 'CONFIRMED->CANCELLED', 'CONFIRMED->NO_SHOW'].sort(),
  );
});
