/** Thresholds of the risk rules. Amounts in cents, windows in seconds. */
export interface RiskPolicy {
  /** Orders per customer allowed within `velocityWindowSeconds`. @default 5 */
  readonly maxOrdersPerWindow?: number;
  /** @default 60 */
  readonly velocityWindowSeconds?: number;
  /** Chargebacks at which a customer is rejected. @default 2 */
  readonly maxChargebacks?: number;
  /** Largest order accepted from a customer with no history. @default 50000 */
  readonly newCustomerLimitCents?: number;
  /** An order above this multiple of the customer's average is an anomaly. @default 10 */
  readonly anomalyFactor?: number;
  /** Orders of history needed before the anomaly rule applies. @default 3 */
  readonly anomalyMinOrders?: number;
}

export const defaultRiskPolicy: Required<RiskPolicy> = {
  maxOrdersPerWindow: 5,
  velocityWindowSeconds: 60,
  maxChargebacks: 2,
  newCustomerLimitCents: 50_000,
  anomalyFactor: 10,
  anomalyMinOrders: 3,
};

export function resolveRiskPolicy(policy: RiskPolicy = {}): Required<RiskPolicy> {
  return {
    maxOrdersPerWindow: policy.maxOrdersPerWindow ?? defaultRiskPolicy.maxOrdersPerWindow,
    velocityWindowSeconds: policy.velocityWindowSeconds ?? defaultRiskPolicy.velocityWindowSeconds,
    maxChargebacks: policy.maxChargebacks ?? defaultRiskPolicy.maxChargebacks,
    newCustomerLimitCents: policy.newCustomerLimitCents ?? defaultRiskPolicy.newCustomerLimitCents,
    anomalyFactor: policy.anomalyFactor ?? defaultRiskPolicy.anomalyFactor,
    anomalyMinOrders: policy.anomalyMinOrders ?? defaultRiskPolicy.anomalyMinOrders,
  };
}
