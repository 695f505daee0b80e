import { buildXml, escapeXml, type XmlNode, type XmlWriteStyle } from '../../xml/write.js';

export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const CATALOG_NS = 'urn:example:erp:catalog:v1';

/** How the sandbox's ERP writes its XML: prefixes other than the BFF's own (soap: and cat:) by default. */
export interface ErpXmlStyle extends XmlWriteStyle {
  /** Prefix of the SOAP envelope namespace. @default 'SOAP-ENV' */
  envelopePrefix?: string;
  /** Prefix of the catalog namespace; '' declares it as the default namespace. @default 'erp' */
  catalogPrefix?: string;
}

/** GetProducts and GetStock take at most this many SKUs, PlaceOrder this many lines, SearchProducts this PageSize. */
export const ERP_MAX_ITEMS = 100;

export type FaultCode =
  | 'PRODUCT_NOT_FOUND'
  | 'UNKNOWN_SKU'
  | 'OUT_OF_STOCK'
  | 'INVALID_ADDRESS'
  | 'TOO_MANY_ITEMS'
  | 'INVALID_REQUEST'
  | 'AUTH_FAILED';

/** A `soap:Client` fault the ERP answers; thrown inside operations, written by the service. */
export class CatalogFault extends Error {
  constructor(
    readonly code: FaultCode,
    message: string,
    readonly sku?: string,
  ) {
    super(message);
  }
}

export interface SoapWriter {
  /** A catalog element name with the configured prefix. */
  q: (name: string) => string;
  /** A whole envelope whose body holds one catalog element. */
  envelope: (bodyElement: string, content: XmlNode) => string;
  clientFault: (fault: CatalogFault) => string;
  serverFault: (message: string) => string;
}

export function createSoapWriter(style: ErpXmlStyle = {}): SoapWriter {
  const env = style.envelopePrefix ?? 'SOAP-ENV';
  const prefix = style.catalogPrefix ?? 'erp';
  const q = (name: string): string => (prefix ? `${prefix}:${name}` : name);
  const nsDeclaration = prefix ? `@_xmlns:${prefix}` : '@_xmlns';
  const wrap = (body: XmlNode): string =>
    buildXml(
      { [`${env}:Envelope`]: { [`@_xmlns:${env}`]: SOAP_ENVELOPE_NS, [`${env}:Body`]: body } },
      style,
    );
  const fault = (code: 'Client' | 'Server', message: string, detail?: XmlNode): string =>
    wrap({
      [`${env}:Fault`]: {
        faultcode: `${env}:${code}`,
        faultstring: escapeXml(message),
        ...(detail ? { detail } : {}),
      },
    });

  return {
    q,
    envelope: (bodyElement, content) =>
      wrap({ [q(bodyElement)]: { [nsDeclaration]: CATALOG_NS, ...content } }),
    clientFault: (error) =>
      fault('Client', error.message, {
        [q('CatalogFault')]: {
          [nsDeclaration]: CATALOG_NS,
          [q('Code')]: error.code,
          ...(error.sku === undefined ? {} : { [q('Sku')]: escapeXml(error.sku) }),
        },
      }),
    serverFault: (message) => fault('Server', message),
  };
}
