import { z } from 'zod';
import { decodeJson, segment } from '../../kit/upstream/json.js';
import type { Upstream } from '../../kit/upstream/upstream.js';
import type { Notifications, NotificationsClient } from './records.js';

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
}) satisfies z.ZodType<Notifications>;

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
