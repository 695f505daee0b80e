import { z } from 'zod';
import type { Upstream } from '../../kit/upstream/upstream.js';
import { UpstreamError } from '../../kit/upstream/upstream-error.js';
import { createXmlReader } from '../../kit/xml/reader.js';
import type { EcbRates, FxClient } from './records.js';

const readXml = createXmlReader({ arrays: ['Cube'] });

const decimal = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,12})?$/);
const ecbSchema = z
  .object({
    Envelope: z.object({
      Cube: z.tuple([
        z.object({
          Cube: z.tuple([
            z.object({
              '@_time': z.iso.date(),
              Cube: z
                .array(
                  z.object({
                    '@_currency': z
                      .string()
                      .trim()
                      .regex(/^[A-Z]{3}$/),
                    '@_rate': decimal,
                  }),
                )
                .min(1),
            }),
          ]),
        }),
      ]),
    }),
  })
  .transform((doc): EcbRates => {
    const day = doc.Envelope.Cube[0].Cube[0];
    return {
      date: day['@_time'],
      rates: new Map(day.Cube.map((cube) => [cube['@_currency'], cube['@_rate']])),
    };
  });

/** The ECB's daily file (any namespace prefixes, single or double quotes). */
export function createFxClient(upstream: Upstream): FxClient {
  return {
    getDailyRates: (call) =>
      upstream.call(
        { operation: 'getDailyRates', path: '/stats/eurofxref/eurofxref-daily.xml' },
        (answer) => {
          if (answer.status !== 200)
            throw new UpstreamError(answer.upstream, 'http', { status: answer.status });
          const result = ecbSchema.safeParse(readXml(answer.text));
          if (!result.success)
            throw new UpstreamError(answer.upstream, 'invalid-response', {
              status: 200,
              cause: result.error,
            });
          return result.data;
        },
        call,
      ),
  };
}
