import fc from 'fast-check';
import { describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import {
  attachmentText,
  feederFormat,
  FeederDataError,
  jsonPathProblem,
  parseTemplate,
  readFeederData,
  regexProblem,
  scanTemplate,
  TemplateError,
  templateVariables,
} from '../src/index.js';

describe('templates: ${name}, ${feeder.column}, $${ for a literal', () => {
  it('lists the names a template refers to, each once, in order', () => {
    expect(templateVariables('/users/${id}/orders?token=${token}&again=${id}')).toEqual(['id', 'token']);
    expect(templateVariables('${users.email}:${users.pass word}')).toEqual(['users.email', 'users.pass word']);
    expect(templateVariables('${users.a.b}')).toEqual(['users.a.b']);
    expect(templateVariables('no references, $5, $$, a$b, {x}, $ {y}')).toEqual([]);
  });

  it('reads $${ as a literal ${, and nothing else as an escape', () => {
    expect(templateVariables('price: $${total}')).toEqual([]);
    expect(parseTemplate('price: $${total} for ${user}')).toEqual([
      { kind: 'text', text: 'price: ${total} for ' },
      { kind: 'variable', name: 'user' },
    ]);
    expect(parseTemplate('$$${x}')).toEqual([{ kind: 'text', text: '$${x}' }]);
    expect(parseTemplate('a$$b$')).toEqual([{ kind: 'text', text: 'a$$b$' }]);
    expect(parseTemplate('${users.email}')).toEqual([{ kind: 'variable', name: 'users.email', feeder: 'users', column: 'email' }]);
  });

  it('refuses an unterminated ${ and references of neither form, telling where', () => {
    expect(() => templateVariables('Bearer ${token')).toThrow(new TemplateError('unterminated "${" at character 8 (write "$${" for a literal "${")', 7));
    for (const bad of ['${}', '${ token }', '${1st}', '${a-b}', '${users.}', '${.email}']) {
      withMessage(bad, () => expect(() => parseTemplate(bad)).toThrow(TemplateError));
    }
    const { parts, problems } = scanTemplate('${ok} ${bad name} ${also');
    expect(problems.map((p) => p.offset)).toEqual([6, 18]);
    expect(parts.filter((p) => p.kind === 'variable')).toEqual([{ kind: 'variable', name: 'ok' }]);
  });

  it('gives back the text it read: rendering the parts with each reference as it was written is the text, $${ aside (property)', () => {
    const piece = fc.oneof(fc.string(), fc.constantFrom('$', '$$', '${a}', '${f.c}', '$${', '{', '}'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const text = pieces.join('');
        const { parts, problems } = scanTemplate(text);
        if (problems.length > 0 || text.includes('$${')) return;
        expect(parts.map((p) => (p.kind === 'text' ? p.text : `\${${p.name}}`)).join('')).toBe(text);
      }),
    );
  });
});

describe('feeder data', () => {
  it('reads CSV: the header names the columns (trimmed), quoted fields, a BOM and blank lines', () => {
    const data = readFeederData({ name: 'u.csv', text: '\uFEFFemail, full name \r\na@x,"Doe, Jane"\r\n\r\nb@x,"say ""hi"""\r\n' }, 'csv');
    expect(data).toEqual({
      columns: ['email', 'full name'],
      rows: [
        { email: 'a@x', 'full name': 'Doe, Jane' },
        { email: 'b@x', 'full name': 'say "hi"' },
      ],
    });
  });

  it('reads JSON: an array of objects, values as text', () => {
    const base64 = Buffer.from(JSON.stringify([{ id: 1, ok: true, tags: ['a'], none: null, name: 'x' }])).toString('base64');
    expect(readFeederData({ name: 'i.json', base64 }, 'json')).toEqual({
      columns: ['id', 'ok', 'tags', 'none', 'name'],
      rows: [{ id: '1', ok: 'true', tags: '["a"]', none: '', name: 'x' }],
    });
  });

  it('says what is wrong with rows it cannot read, naming the attachment', () => {
    expect(() => readFeederData({ name: 'u.csv', text: 'a,b\n1,2,3\n' }, 'csv')).toThrow(
      new FeederDataError('attachment "u.csv" is not valid CSV: Invalid Record Length: expect 2, got 3 on line 2'),
    );
    expect(() => readFeederData({ name: 'u.csv', text: 'a,,b\n1,2,3\n' }, 'csv')).toThrow('attachment "u.csv": column 2 has no name');
    expect(() => readFeederData({ name: 'i.json', text: '[]' }, 'json')).toThrow('attachment "i.json" has no rows (an empty array)');
    expect(() => readFeederData({ name: 'i.json', text: '[{}]' }, 'json')).toThrow(
      'attachment "i.json": the first row has no keys, so the feeder has no columns',
    );
    expect(() => readFeederData({ name: 'i.json', text: '"x"' }, 'json')).toThrow('attachment "i.json" must hold a JSON array of objects, not a string');
  });

  it('tells the format from the feeder, else from the attachment name', () => {
    expect(feederFormat({ attachment: 'Users.CSV' })).toBe('csv');
    expect(feederFormat({ attachment: 'rows.json' })).toBe('json');
    expect(feederFormat({ attachment: 'rows.json', format: 'csv' })).toBe('csv');
    expect(feederFormat({ attachment: 'rows.txt' })).toBeUndefined();
    expect(attachmentText({ base64: Buffer.from('\uFEFFhé').toString('base64') })).toBe('hé');
  });
});

describe('JSONPath and regular expression checks', () => {
  it('accepts RFC 9535 paths, filters and functions included', () => {
    for (const path of ['$', '$.token', '$.items[0].id', "$['a b']", '$..id', '$.items[?@.price < 10].name', '$.items[-1:]', '$[?length(@.tags) > 2]']) {
      withMessage(path, () => expect(jsonPathProblem(path)).toBeUndefined());
    }
  });

  it('names the problem and where it is', () => {
    expect(jsonPathProblem('$.a b')).toBe('invalid JSONPath "$.a b": at character 5, expected ".", "..", "[" but "b" found');
    expect(jsonPathProblem('token')).toBe('invalid JSONPath "token": at character 1, expected "$" but "t" found');
    expect(regexProblem('a(b')).toBe('invalid regular expression "a(b": unterminated group');
    expect(regexProblem('*a')).toBe('invalid regular expression "*a": nothing to repeat');
    expect(regexProblem('^Bearer (\\S+)$')).toBeUndefined();
  });
});
