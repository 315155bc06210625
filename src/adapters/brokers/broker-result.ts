/** The broker port's two views of an order, for adapters whose API answers with the order's state. */
import type { BrokerOrderResult, BrokerOrderState } from '../../ports/broker.port.js';

/** What `submit` returns for an order the broker reports in state `st`; `who` names the broker in reasons. */
export function resultOfState(st: BrokerOrderState, who: string): BrokerOrderResult {
  const brokerOrderId = st.brokerOrderId ? { brokerOrderId: st.brokerOrderId } : {};
  switch (st.status) {
    case 'filled':
    case 'partially_filled':
      return { status: st.status, fill: st.fill!, ...brokerOrderId };
    case 'open':
      return { status: 'submitted', ...brokerOrderId };
    case 'rejected':
      return { status: 'rejected', reason: st.reason ?? `rejected by ${who}` };
    case 'cancelled':
      return { status: 'cancelled', reason: st.reason ?? `cancelled at ${who}` };
  }
}
