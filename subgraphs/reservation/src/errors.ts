/** The `extensions.code` values only the reservation subgraph raises, beside the platform's `ErrorCode`. */
export const ReservationErrorCode = {
  /** A booking that would put more guests in the restaurant than its capacity at some moment. */
  CapacityExceeded: 'CAPACITY_EXCEEDED',
} as const;

/** All of them mean the client has to change something (see the platform's CLIENT_ERROR_CODES). */
export const RESERVATION_CLIENT_ERROR_CODES: readonly string[] = Object.values(ReservationErrorCode);
