import { FX_DATE, FX_RATES } from '../data/fx-rates.js';
import { createJsonService } from '../host/json-service.js';
import type { ServiceDefinition } from '../host/types.js';
import { buildXml, type XmlWriteStyle } from '../xml/write.js';

export const GESMES_NS = 'http://www.gesmes.org/xml/2002-08-01';
export const EUROFXREF_NS = 'http://www.ecb.int/vocabulary/2002-08-01/eurofxref';

export interface FxServiceOptions {
  /** The day the file is for. @default FX_DATE (2026-11-25) */
  date?: string;
  /** Attribute quoting: the ECB's own file uses single quotes. @default "'" */
  quote?: XmlWriteStyle['quote'];
}

/** The ECB daily reference rates file, no key. */
export function createFxService(options: FxServiceOptions = {}): ServiceDefinition {
  const body = buildXml(
    {
      'gesmes:Envelope': {
        '@_xmlns:gesmes': GESMES_NS,
        '@_xmlns': EUROFXREF_NS,
        'gesmes:subject': 'Reference rates',
        'gesmes:Sender': { 'gesmes:name': 'European Central Bank' },
        Cube: {
          Cube: {
            '@_time': options.date ?? FX_DATE,
            Cube: FX_RATES.map(({ currency, rate }) => ({
              '@_currency': currency,
              '@_rate': rate,
            })),
          },
        },
      },
    },
    { quote: options.quote ?? "'" },
  );
  const service = createJsonService('fx', undefined, [
    {
      method: 'GET',
      pattern: '/stats/eurofxref/eurofxref-daily.xml',
      operation: 'getDailyRates',
      handle: () => ({ status: 200, headers: { 'content-type': 'text/xml' }, body }),
    },
  ]);
  return service;
}
