// The reply to an approved order: InventoryReserved, which payment subscribes to, or
// InventoryUnavailable with the shortages.
import type { ApprovedOrder } from './approved-order.ts';
import type { Reservation, Shortage } from './reserve.ts';

export const inventoryReservedType = 'InventoryReserved';
export const inventoryUnavailableType = 'InventoryUnavailable';
export const inventorySource = '/functions/inventory';

/** The reply event's attributes and data; the runtime sends it in binary mode. */
export type InventoryReply =
  | {
      readonly type: typeof inventoryReservedType;
      readonly source: typeof inventorySource;
      readonly subject: string;
      readonly datacontenttype: 'application/json';
      readonly data: ApprovedOrder & { readonly replayed: boolean };
    }
  | {
      readonly type: typeof inventoryUnavailableType;
      readonly source: typeof inventorySource;
      readonly subject: string;
      readonly datacontenttype: 'application/json';
      readonly data: {
        readonly orderId: string;
        readonly customerId: string;
        readonly missing: readonly Shortage[];
        readonly replayed: boolean;
      };
    };

/** The reply for a reservation's outcome. */
export function inventoryReply(order: ApprovedOrder, reservation: Reservation): InventoryReply {
  const common = {
    source: inventorySource,
    subject: order.orderId,
    datacontenttype: 'application/json',
  } as const;
  if (reservation.status === 'reserved') {
    return { ...common, type: inventoryReservedType, data: { ...order, replayed: reservation.replayed } };
  }
  return {
    ...common,
    type: inventoryUnavailableType,
    data: {
      orderId: order.orderId,
      customerId: order.customerId,
      missing: reservation.missing,
      replayed: reservation.replayed,
    },
  };
}
