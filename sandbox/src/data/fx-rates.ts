/**
 * Euro reference rates of one fixed day, in the shape and with the currency list of the ECB's
 * daily file (BGN left the list when Bulgaria adopted the euro on 1 January 2026). A rate is units
 * of that currency per 1 EUR, written with the ECB's precision.
 */
export const FX_DATE = '2026-11-25';

export const FX_RATES: readonly { currency: string; rate: string }[] = [
  { currency: 'USD', rate: '1.0921' },
  { currency: 'JPY', rate: '162.89' },
  { currency: 'CZK', rate: '24.312' },
  { currency: 'DKK', rate: '7.4596' },
  { currency: 'GBP', rate: '0.83735' },
  { currency: 'HUF', rate: '386.45' },
  { currency: 'PLN', rate: '4.2675' },
  { currency: 'RON', rate: '4.9760' },
  { currency: 'SEK', rate: '11.0485' },
  { currency: 'CHF', rate: '0.9381' },
  { currency: 'ISK', rate: '149.70' },
  { currency: 'NOK', rate: '11.6870' },
  { currency: 'TRY', rate: '45.8123' },
  { currency: 'AUD', rate: '1.6714' },
  { currency: 'BRL', rate: '6.2948' },
  { currency: 'CAD', rate: '1.5268' },
  { currency: 'CNY', rate: '7.8012' },
  { currency: 'HKD', rate: '8.4992' },
  { currency: 'IDR', rate: '17562.33' },
  { currency: 'ILS', rate: '3.9987' },
  { currency: 'INR', rate: '92.1355' },
  { currency: 'KRW', rate: '1523.47' },
  { currency: 'MXN', rate: '20.7640' },
  { currency: 'MYR', rate: '4.8605' },
  { currency: 'NZD', rate: '1.8731' },
  { currency: 'PHP', rate: '63.742' },
  { currency: 'SGD', rate: '1.4283' },
  { currency: 'THB', rate: '37.415' },
  { currency: 'ZAR', rate: '20.0562' },
];
