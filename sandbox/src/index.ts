export {
  startSandbox,
  type ErpVersions,
  type Sandbox,
  type SandboxOptions,
} from './start-sandbox.js';
export { startControlServer } from './control-server.js';
export { FIXTURE_SKUS, UNKNOWN_SKUS, DEMO_USERS } from './data/fixtures.js';
export { FX_DATE, FX_RATES } from './data/fx-rates.js';
export { CATEGORIES, FIRST_GENERATED_SKU } from './data/catalog.js';
export type { CatalogProduct, DemoUser, PriceRecord, StockRow } from './data/model.js';
export type { PlacedOrder, OrderConfirmation, SandboxStore } from './data/store.js';
export type { Fault, FaultControls, InjectOptions } from './host/faults.js';
export { holdFault } from './host/faults.js';
export type { CallCounter, RecordedCall } from './host/calls.js';
export { SERVICE_NAMES, type ServiceName, type KeyedServiceName } from './host/types.js';
export type { IdpControls, IssueTokenOptions } from './services/idp.js';
export {
  CATALOG_NS,
  SOAP_ENVELOPE_NS,
  ERP_MAX_ITEMS,
  type ErpXmlStyle,
} from './services/erp/soap.js';
export { ERP_OPERATIONS } from './services/erp/service.js';
export { ERP_V2_MAX_ITEMS, productJson } from './services/erp/json-v2.js';
export { SHIPPING_COUNTRIES } from './services/erp/place-order.js';
export { PRICES_MAX_SKUS } from './services/pricing.js';
export { GESMES_NS, EUROFXREF_NS } from './services/fx.js';
export { parseXml, childOf, childrenOf, type XmlElement } from './xml/read.js';
