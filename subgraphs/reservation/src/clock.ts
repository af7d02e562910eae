/**
 * The reservation subgraph's source of the current instant. Everything that depends on "now"
 * (which slots are still ahead, which idempotency keys are still kept) reads it from here, so
 * tests can put the subgraph at any moment without waiting for it.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
