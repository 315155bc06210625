/** In-process EventBus used when REDIS_URL is not set. */
import { EventEmitter } from 'node:events';
import type { EventBus } from '../../ports/event-bus.port.js';

export class MemoryEventBus implements EventBus {
  private readonly emitter = new EventEmitter();

  async publish(topic: string, message: string): Promise<void> {
    this.emitter.emit(topic, message);
  }

  async subscribe(topic: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    this.emitter.on(topic, handler);
    return async () => {
      this.emitter.off(topic, handler);
    };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
