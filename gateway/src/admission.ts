/**
 * The gateway's admission (operation limits, cost estimate, actual cost) for tools that price
 * operations outside a running gateway, such as the benchmarks.
 */
export { actualCost } from './security/actual-cost';
export { CostDirectives } from './security/cost-directives';
export { EntityFetches } from './security/entity-fetches';
export { admitOperation, readOperationLimits } from './security/operation-limits';
