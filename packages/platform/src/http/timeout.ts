/**
 * Whether a failed fetch was cut off by its `AbortSignal.timeout()`: the rejection is a
 * DOMException named TimeoutError, which is not an Error instance.
 */
export function isTimeout(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'TimeoutError';
}
