import type { CallOptions } from '../../kit/upstream/upstream.js';

/** What the notifications client answers (./client.ts): a plain record. */

/** How many notifications are unread, and the newest of them. */
export interface Notifications {
  unread: number;
  items: { id: string; kind: string; text: string; createdAt: Date }[];
}

export interface NotificationsClient {
  unread(userId: string, limit: number, call?: CallOptions): Promise<Notifications>;
}
