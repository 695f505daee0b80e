import type { CatalogProduct } from '../../data/model.js';
import { cdata, escapeXml, type XmlNode } from '../../xml/write.js';

/** A full `Product` element, written with each of the quirks its record asks for. */
export function productXml(product: CatalogProduct, q: (name: string) => string): XmlNode {
  const text = (value: string): string => escapeXml(value, product.numericReferences);
  const parts: [string, unknown][] = [
    [q('Name'), text(product.name)],
    [
      q('Description'),
      product.description &&
        (product.description.encoding === 'cdata'
          ? cdata(product.description.text)
          : text(product.description.text)),
    ],
    [q('Brand'), text(product.brand)],
    [
      q('Category'),
      { '@_code': text(product.category.code), '#text': text(product.category.name) },
    ],
    [
      q('Attributes'),
      product.attributes &&
        listXml(
          q('Attribute'),
          product.attributes.map((a) => ({ '@_name': text(a.name), '#text': text(a.value) })),
        ),
    ],
    [
      q('Images'),
      product.images &&
        listXml(
          q('Image'),
          product.images.map((i) => ({ '@_role': text(i.role), '@_href': text(i.href) })),
        ),
    ],
    [
      q('Weight'),
      product.weight && { '@_unit': product.weight.unit, '#text': text(product.weight.value) },
    ],
    [q('Ean'), product.ean && text(product.ean)],
    [q('UpdatedAt'), text(product.updatedAt)],
  ];
  if (product.extraElements) {
    // Elements and attributes the document does not name, in another element order.
    parts.reverse();
    parts.splice(2, 0, [q('LegacyCode'), `LX-${product.sku}`]);
    parts.push([q('Internal'), { '@_audit': 'true', [q('Note')]: 'ignore me', [q('Flags')]: '' }]);
    parts.push(['x:Audit', { '@_xmlns:x': 'urn:example:audit', '#text': '2026-01-01' }]);
  }
  return {
    '@_sku': escapeXml(product.sku),
    '@_status': product.status,
    ...(product.extraElements ? { '@_legacy': 'yes' } : {}),
    ...Object.fromEntries(parts.filter(([, value]) => value !== undefined)),
  };
}

/** A summary `Product` as SearchProducts answers it: sku, status, Name, Brand, Category, main image only. */
export function summaryXml(product: CatalogProduct, q: (name: string) => string): XmlNode {
  const text = (value: string): string => escapeXml(value, product.numericReferences);
  const main = product.images?.filter((image) => image.role === 'main');
  return {
    '@_sku': escapeXml(product.sku),
    '@_status': product.status,
    [q('Name')]: text(product.name),
    [q('Brand')]: text(product.brand),
    [q('Category')]: {
      '@_code': text(product.category.code),
      '#text': text(product.category.name),
    },
    ...(main
      ? {
          [q('Images')]: listXml(
            q('Image'),
            main.map((i) => ({ '@_role': text(i.role), '@_href': text(i.href) })),
          ),
        }
      : {}),
  };
}

/** A list element: '' (written `<X/>`) when empty, else its children. */
function listXml(childName: string, children: XmlNode[]): XmlNode | '' {
  return children.length === 0 ? '' : { [childName]: children };
}
