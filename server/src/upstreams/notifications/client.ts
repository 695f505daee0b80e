import { z } from 'zod';
import { decodeJson, segment } from '../../kit/upstream/json.js';
import type { CallOptions, Upstream } from '../../kit/upstream/upstream.js';

const notificationsSchema = z.object({
  unread: z.number().int().min(0),
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      text: z.string(),
      createdAt: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
    }),
  ),
});
/** How many notifications are unread, and the newest of them. */
export type Notifications = z.output<typeof notificationsSchema>;

export interface NotificationsClient {
  unread(userId: string, limit: number, call?: CallOptions): Promise<Notifications>;
}

export function createNotificationsClient(upstream: Upstream): NotificationsClient {
  return {
    unread: (userId, limit, call) =>
      upstream.call(
        {
          operation: 'getNotifications',
          path: `/users/${segment(userId)}/notifications`,
          query: { unread: 'true', limit: String(limit) },
        },
        (answer) =>
          answer.status === 404
            ? { unread: 0, items: [] }
            : decodeJson(answer, notificationsSchema),
        call,
      ),
  };
}
