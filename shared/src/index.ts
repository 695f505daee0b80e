export { SKU_PATTERN, skuSchema, currencyCodeSchema } from './schemas.js';
export { APP_ERROR_CODES, type AppErrorCode } from './errors.js';
