/** How a chat receives one type of alert. */
export type AlertMode = 'on' | 'silent' | 'off';

/** Alert subscriptions per chat and alert type; a type a chat never set is `on`. */
export interface SubscriptionRepository {
  /** The modes a chat has set, by alert type. */
  forChat(transport: string, chatId: string): Promise<Map<string, AlertMode>>;
  /** Set the mode of these alert types for one chat. */
  set(transport: string, chatId: string, types: readonly string[], mode: AlertMode, by: string, at: Date): Promise<void>;
  /** Every chat's setting for one alert type, keyed `transport:chatId` (chats that never set it are absent). */
  forType(type: string): Promise<Map<string, AlertMode>>;
}
