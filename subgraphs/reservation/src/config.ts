import { EnvReader, SHARED_SETTINGS, type EnvReaderOptions, type SettingDescriptions } from '@reservations/platform/config';
import { OBSERVABILITY_SETTINGS } from '@reservations/platform/observability/config';
import { readSubgraphConfig, subgraphSettings, type SubgraphConfig } from '@reservations/platform/subgraph/config';
import { DEFAULT_BOOKING_HORIZON_DAYS, SETTINGS_LIMITS } from './rules';

/** Where the customer subgraph answers by default: the same default the gateway routes to. */
export const DEFAULT_CUSTOMER_SUBGRAPH_URL = 'http://localhost:4004/graphql';
export const DEFAULT_CUSTOMER_LOOKUP_TIMEOUT_MS = 2_000;
/** Stripe's window: long enough for any client's retries, short enough that a key can be reused. */
export const DEFAULT_IDEMPOTENCY_KEY_TTL_HOURS = 24;

export interface CustomerLookupConfig {
  /** The customer subgraph's GraphQL endpoint, asked through `_entities` whether a customer exists. */
  customerSubgraphUrl: string;
  /** How long one lookup may take before createReservation answers SERVICE_UNAVAILABLE. */
  customerLookupTimeoutMs: number;
  /**
   * The secret subgraphs verify gateway requests with (GATEWAY_SIGNING_SECRET). A subgraph
   * that enforces it executes only signed requests, so the lookup is signed the same way.
   */
  gatewaySigningSecret: string | null;
}

export interface IdempotencyConfig {
  /**
   * How long after a booking its idempotency key still answers repeats with that booking;
   * after that the key is free for a new one.
   */
  idempotencyKeyTtlHours: number;
  /**
   * Whether createReservation refuses a booking without an idempotencyKey: without one, a
   * booking whose answer was lost (OUTCOME_UNKNOWN) can be neither retried safely nor found.
   */
  requireIdempotencyKey: boolean;
}

/** What the subgraph's requests depend on, beyond the settings every subgraph shares. */
export interface BookingConfig extends CustomerLookupConfig, IdempotencyConfig {
  /** How many days ahead a tenant that set no horizon of its own may book. */
  bookingHorizonDays: number;
}

export interface ReservationConfig extends SubgraphConfig, BookingConfig {}

/**
 * Reads RESERVATION_PORT (4003), RESERVATION_DATABASE_URL and the shared subgraph settings,
 * plus CUSTOMER_SUBGRAPH_URL (the variable the gateway uses too), CUSTOMER_LOOKUP_TIMEOUT_MS,
 * IDEMPOTENCY_KEY_TTL_HOURS, REQUIRE_IDEMPOTENCY_KEY and BOOKING_HORIZON_DAYS.
 */
export function readReservationConfig(env: Record<string, string | undefined> = process.env, options?: EnvReaderOptions): ReservationConfig {
  const reader = new EnvReader(env, options);
  const config: ReservationConfig = {
    ...readSubgraphConfig(reader, { name: 'reservation', prefix: 'RESERVATION', defaultPort: 4003 }),
    customerSubgraphUrl: reader.optionalUrl('CUSTOMER_SUBGRAPH_URL', ['http', 'https']) ?? DEFAULT_CUSTOMER_SUBGRAPH_URL,
    // Below the gateway's default per-attempt timeout (5 s), so the client gets this clear
    // answer rather than the gateway's own timeout.
    customerLookupTimeoutMs: reader.int('CUSTOMER_LOOKUP_TIMEOUT_MS', DEFAULT_CUSTOMER_LOOKUP_TIMEOUT_MS, { min: 1, max: 60_000 }),
    // At least an hour, so a client retrying after an outage never books twice; at most a year.
    idempotencyKeyTtlHours: reader.int('IDEMPOTENCY_KEY_TTL_HOURS', DEFAULT_IDEMPOTENCY_KEY_TTL_HOURS, { min: 1, max: 8_760 }),
    requireIdempotencyKey: reader.bool('REQUIRE_IDEMPOTENCY_KEY', reader.mode() === 'production'),
    bookingHorizonDays: reader.int('BOOKING_HORIZON_DAYS', DEFAULT_BOOKING_HORIZON_DAYS, SETTINGS_LIMITS.bookingHorizonDays),
  };
  reader.done();
  return config;
}

/** Every variable readReservationConfig reads, described (docs/configuration.md and .env.example are generated from it). */
export const RESERVATION_SETTINGS: SettingDescriptions = {
  ...SHARED_SETTINGS,
  ...OBSERVABILITY_SETTINGS,
  ...subgraphSettings({ name: 'reservation', prefix: 'RESERVATION' }),
  CUSTOMER_SUBGRAPH_URL: {
    group: 'Routing to subgraphs and resilience',
    meaning:
      'Where the reservation subgraph asks the customer subgraph (`_entities`) whether a customer exists before booking; the gateway reads the same variable.',
    default: `\`${DEFAULT_CUSTOMER_SUBGRAPH_URL}\``,
  },
  CUSTOMER_LOOKUP_TIMEOUT_MS: {
    group: 'Routing to subgraphs and resilience',
    meaning:
      "How long that customer check may take before `createReservation` answers `SERVICE_UNAVAILABLE`; keep it below the gateway's `SERVICE_TIMEOUT`.",
  },
  IDEMPOTENCY_KEY_TTL_HOURS: {
    group: 'Subgraph behaviour',
    meaning:
      'How long after a booking its `idempotencyKey` still returns it; later the key makes a new booking. See [the API](api.md#idempotency-never-duplicated).',
  },
  REQUIRE_IDEMPOTENCY_KEY: {
    group: 'Subgraph behaviour',
    meaning: 'Refuse a `createReservation` without an `idempotencyKey` (`BAD_USER_INPUT`, `field: "input.idempotencyKey"`).',
  },
  BOOKING_HORIZON_DAYS: {
    group: 'Subgraph behaviour',
    meaning: 'How many days ahead a booking may start, for tenants that did not set their own `bookingHorizonDays`.',
  },
};
