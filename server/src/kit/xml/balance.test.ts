import { describe, expect, it } from 'vitest';
import { createXmlReader } from './reader.js';
import { assertBalanced, XmlShapeError } from './balance.js';

/** A real-looking SOAP answer: declaration, comments, prefixes, quoted `>` and `/`, CDATA, a PI. */
const soapDocument = `${[
  '<?xml version="1.0" encoding="utf-8"?>',
  '<!-- price answer -->',
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="urn:pricing">',
  '<soap:Header/>',
  '<soap:Body>',
  '<p:GetPriceResponse>',
  `<p:item sku="000123" note='a > b / c' href="http://cdn.example/x/">`,
  '<p:price currency="EUR">12.50</p:price>',
  '<p:label><![CDATA[<b>Sale</b> </x> 5 > 3]]></p:label>',
  '<!-- inner comment -->',
  '<?audit id="7"?>',
  '</p:item>',
  '</p:GetPriceResponse>',
  '</soap:Body>',
  '</soap:Envelope>',
].join('\n')}\n`;

const rootEnd = soapDocument.lastIndexOf('</soap:Envelope>') + '</soap:Envelope>'.length;

const refuses = (xml: string): boolean => {
  try {
    assertBalanced(xml);
    return false;
  } catch (error) {
    if (error instanceof XmlShapeError) return true;
    throw error;
  }
};

describe('assertBalanced', () => {
  it.each([
    ['a SOAP envelope with prefixes', soapDocument],
    [
      'a default namespace',
      '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><Ok xmlns="urn:x">yes</Ok></Body></Envelope>',
    ],
    ['single-quoted attributes', `<a b='1' c='two words'><d e='3'/></a>`],
    [
      'attribute values holding > and /',
      `<a href="http://x/y?z=1>0" rule='a > b / c'><b c="/>"/></a>`,
    ],
    ['self-closing elements', '<a><b/><c x="1" /><d\n/></a>'],
    ['a self-closing root', '<a/>'],
    ['an XML declaration', '<?xml version="1.0" encoding="utf-8"?>\n<a>1</a>'],
    [
      'comments before, inside and after the root',
      '<!-- before --><a><!-- <b> inside --></a><!-- after -->',
    ],
    ['CDATA holding <, > and </x>', '<a><![CDATA[ 1 < 2 > 0 </x> <y> ]]></a>'],
    ['a DOCTYPE without an internal subset', '<!DOCTYPE a SYSTEM "a.dtd">\n<a/>'],
    [
      'a DOCTYPE with an internal subset',
      '<!DOCTYPE a [\n  <!ENTITY co "ACME">\n  <!ELEMENT a (#PCDATA)>\n]>\n<a>&co;</a>',
    ],
    ['a leading BOM', '\uFEFF<?xml version="1.0"?><a/>'],
    ['whitespace around the root', ' \r\n\t<a>\n  <b>x</b>\n</a>\n\t '],
    ['end tags with whitespace before >', '<a><b></b ></a\n>'],
    ['a processing instruction inside the root', '<a><?pi x?></a>'],
  ])('accepts %s', (_name, xml) => {
    expect(() => {
      assertBalanced(xml);
    }).not.toThrow();
  });

  it('accepts the whole SOAP document and its prefix that ends with the root end tag', () => {
    expect(refuses(soapDocument)).toBe(false);
    expect(refuses(soapDocument.slice(0, rootEnd))).toBe(false);
  });

  it('refuses every strict prefix of a SOAP document that does not end at the root end tag', () => {
    const accepted: number[] = [];
    for (let cut = 0; cut < soapDocument.length; cut += 1) {
      if (cut !== rootEnd && !refuses(soapDocument.slice(0, cut))) accepted.push(cut);
    }
    expect(accepted).toEqual([]);
  });

  it('names the unclosed element and the end of the text when a document is cut short', () => {
    const truncated = soapDocument.slice(0, soapDocument.indexOf('12.5') + 3);
    let caught: unknown;
    try {
      assertBalanced(truncated);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(XmlShapeError);
    expect(caught).toMatchObject({ name: 'XmlShapeError', position: truncated.length });
    expect(String(caught)).toMatch(/<p:price> is not closed/);
  });

  it.each([
    ['an unclosed inner element whose parent is closed', '<a><b></a>'],
    ['a mismatched end tag', '<a><b></c></a>'],
    ['an end tag with no start tag', '</a>'],
    ['an end tag after a self-closing root', '<a/></a>'],
    ['two root elements', '<a/><b/>'],
    ['two root elements with content', '<a>1</a><a>2</a>'],
    ['text before the root', 'oops<a/>'],
    ['text after the root', '<a/>oops'],
    ['an empty string', ''],
    ['whitespace only', ' \n\t '],
    ['a BOM only', '\uFEFF'],
    ['JSON', '{"a":1}'],
    ['an HTML error page with an unclosed tag', '<html><body><p>502 Bad Gateway</body></html>'],
    ['an unterminated comment', '<a><!-- never ends </a>'],
    ['an unterminated CDATA section', '<a><![CDATA[ never ends </a>'],
    ['an unterminated processing instruction', '<?xml version="1.0"<a/>'],
    ['an unterminated start tag', '<a><b x="1"</a>'],
    ['an unterminated start tag at the end', '<a'],
    ['an unterminated end tag', '<a></a'],
    ['< inside an attribute value', '<a b="1<2"></a>'],
    ['< inside a single-quoted attribute value', `<a><b c='<'/></a>`],
    ['CDATA before the root', '<![CDATA[x]]><a/>'],
    ['CDATA after the root', '<a/><![CDATA[x]]>'],
    ['a DOCTYPE after the root', '<a/><!DOCTYPE a>'],
    ['a DOCTYPE inside the root', '<a><!DOCTYPE a></a>'],
    ['an end tag whose name extends the open one (<ab></a>)', '<ab></a>'],
    ['an end tag whose name extends the open one (<a></ab>)', '<a></ab>'],
    ['a tag without a name', '<a>< b/></a>'],
  ])('refuses %s', (_name, xml) => {
    expect(() => {
      assertBalanced(xml);
    }).toThrow(XmlShapeError);
  });
});

describe('createXmlReader', () => {
  const read = createXmlReader({ arrays: ['item'] });

  it('throws an XmlShapeError for a truncated document instead of parsing it', () => {
    expect(() => read(soapDocument.slice(0, soapDocument.indexOf('</p:item>')))).toThrow(
      XmlShapeError,
    );
  });

  it('parses a whole document with prefixes removed and 000123 left as a string', () => {
    const parsed = read(soapDocument);
    expect(parsed).toMatchObject({
      Envelope: {
        Body: {
          GetPriceResponse: {
            item: [
              {
                '@_sku': '000123',
                price: { '#text': '12.50', '@_currency': 'EUR' },
                label: '<b>Sale</b> </x> 5 > 3',
              },
            ],
          },
        },
      },
    });
  });
});
