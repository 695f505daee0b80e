import { z } from 'zod';
import type { UpstreamHttp } from '../../kit/http.js';
import { UpstreamError } from '../../kit/upstream-error.js';
import { createXmlReader } from '../../kit/xml.js';

/** The day's euro reference rates, rates kept as the decimal strings the ECB wrote. */
export interface EcbRates {
  date: string;
  /** Units of the currency per 1 EUR, exact: `'1.0921'`. */
  rates: ReadonlyMap<string, string>;
}

const readXml = createXmlReader({ arrays: ['Cube'] });

const decimal = z.string().trim().regex(/^\d{1,12}(\.\d{1,12})?$/);
const ecbSchema = z
  .object({
    Envelope: z.object({
      Cube: z.tuple([
        z.object({
          Cube: z.tuple([
            z.object({
              '@_time': z.iso.date(),
              Cube: z.array(z.object({ '@_currency': z.string().trim().regex(/^[A-Z]{3}$/), '@_rate': decimal })).min(1),
            }),
          ]),
        }),
      ]),
    }),
  })
  .transform((doc) => {
    const day = doc.Envelope.Cube[0].Cube[0];
    return { date: day['@_time'], rates: new Map(day.Cube.map((cube) => [cube['@_currency'], cube['@_rate']])) };
  });

export interface FxClient {
  getDailyRates(signal?: AbortSignal): Promise<EcbRates>;
}

/** The ECB's daily file (any namespace prefixes, single or double quotes). */
export function createFxClient(http: UpstreamHttp): FxClient {
  return {
    async getDailyRates(signal) {
      const response = await http.request('/stats/eurofxref/eurofxref-daily.xml', signal ? { signal } : {});
      if (response.status !== 200) throw new UpstreamError(http.service, 'http', { status: response.status });
      let parsed: unknown;
      try {
        parsed = readXml(response.text);
      } catch (error) {
        throw new UpstreamError(http.service, 'invalid-response', { status: 200, cause: error });
      }
      const result = ecbSchema.safeParse(parsed);
      if (!result.success) throw new UpstreamError(http.service, 'invalid-response', { status: 200, cause: result.error });
      return result.data;
    },
  };
}
