export { SKU_PATTERN, skuSchema, currencyCodeSchema, moneySchema, productSummarySchema, productStatusSchema, type Money, type ProductSummary } from './schemas.js';
export {
  productPageInput,
  productPageOutput,
  productSearchInput,
  productSearchOutput,
  fxRatesOutput,
  PRODUCT_PAGE_PARTS,
  SEARCH_MAX_PAGE_SIZE,
  type ProductPageInput,
  type ProductPage,
  type ProductSearchInput,
  type ProductSearch,
  type FxRates,
} from './product.js';
export { APP_ERROR_CODES, type AppErrorCode } from './errors.js';
