import { describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import { CurlCommandsSchema, PlanImportError, planFromCurl } from '../src/index.js';
import { importIssues, plan } from './support.js';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

/** The single step of one command. */
const step = (command: string) => planFromCurl(command).steps[0];

describe('planFromCurl', () => {
  it('turns several commands (continued lines, comments, blank lines) into one step each', () => {
    const text = [
      '# the catalogue',
      "curl -sS 'https://api.example.com/v1/products?limit=10' -H 'Accept: application/json'",
      '',
      'curl -X POST https://api.example.com/v1/products \\',
      "  -H 'Content-Type: application/json' \\  ",
      `  --data-raw '{"name": "Shoe",`,
      `  "price": 42}'`,
      "curl 'https://api.example.com/v1/products?limit=10'  # again",
      'curl https://cdn.example.net/logo.png',
    ].join('\n');
    expect(planFromCurl(text)).toEqual(
      plan({
        name: 'curl import (api.example.com)',
        baseUrl: 'https://api.example.com',
        steps: [
          { kind: 'http', name: 'GET /v1/products', method: 'GET', url: '/v1/products', query: { limit: '10' }, headers: { Accept: 'application/json' } },
          // application/json is what the plan sends for a JSON body: the header goes.
          { kind: 'http', name: 'POST /v1/products', method: 'POST', url: '/v1/products', body: { json: { name: 'Shoe', price: 42 } } },
          { kind: 'http', name: 'GET /v1/products (2)', method: 'GET', url: '/v1/products', query: { limit: '10' } },
          { kind: 'http', name: 'GET cdn.example.net/logo.png', method: 'GET', url: 'https://cdn.example.net/logo.png' },
        ],
      }),
    );
  });

  it("reads a browser's Copy as cURL", () => {
    const copied = [
      "curl 'https://shop.example.com/api/cart' \\",
      "  -H 'accept: application/json' \\",
      "  -H 'accept-language: en-GB,en;q=0.9' \\",
      "  -H 'content-type: application/json' \\",
      "  -b 'session=8f2c1e; theme=dark' \\",
      "  -H 'origin: https://shop.example.com' \\",
      '  -H \'sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"\' \\',
      "  -H 'user-agent: Mozilla/5.0' \\",
      `  --data-raw $'{"sku":"SHOE-42","note":"it\\'s a gift"}'`,
    ].join('\n');
    expect(planFromCurl(copied)).toEqual(
      plan({
        name: 'curl import (shop.example.com)',
        baseUrl: 'https://shop.example.com',
        steps: [
          {
            kind: 'http',
            name: 'POST /api/cart',
            method: 'POST',
            url: '/api/cart',
            headers: {
              accept: 'application/json',
              'accept-language': 'en-GB,en;q=0.9',
              origin: 'https://shop.example.com',
              'sec-ch-ua': '"Chromium";v="131", "Not_A Brand";v="24"',
              'user-agent': 'Mozilla/5.0',
              cookie: 'session=8f2c1e; theme=dark',
            },
            body: { json: { sku: 'SHOE-42', note: "it's a gift" } },
          },
        ],
      }),
    );
  });

  it('takes a list of texts, and a name', () => {
    const result = planFromCurl(['curl https://a.test/one', 'curl https://a.test/two\ncurl https://a.test/three'], { name: 'three' });
    expect(result.name).toBe('three');
    expect(result.steps.map((s) => s.kind === 'http' && s.url)).toEqual(['/one', '/two', '/three']);
  });

  it('reads -X/--request, -H/--header and -I/--head', () => {
    expect(step('curl -X PUT https://a.test/x')).toMatchObject({ method: 'PUT' });
    expect(step('curl -XPATCH https://a.test/x')).toMatchObject({ method: 'PATCH' });
    expect(step('curl --request delete https://a.test/x')).toMatchObject({ method: 'DELETE', name: 'DELETE /x' });
    expect(step('curl -I https://a.test/x')).toMatchObject({ method: 'HEAD' });
    expect(step('curl --head https://a.test/x')).toMatchObject({ method: 'HEAD' });
    expect(
      step(
        `curl https://a.test/x -H 'X-One: 1' --header "X-Two:2" -H 'X-One: 3' -H 'X-Empty;' -H 'Host: a.test' -H 'Content-Length: 9' -H 'Connection: close'`,
      ),
    ).toMatchObject({
      headers: { 'X-One': '1, 3', 'X-Two': '2', 'X-Empty': '' },
    });
    // A Host header other than the URL's picks a virtual host: it stays.
    expect(step(`curl -H 'Host: shop.internal' http://10.0.0.5/`)).toMatchObject({ headers: { Host: 'shop.internal' } });
  });

  it('reads -d/--data, --data-raw, --data-binary and --data-urlencode: POST, joined with &, a form by default', () => {
    expect(step(`curl https://a.test/f -d a=1 --data b=2 --data-raw 'c=@3' --data-binary d=4 --data-urlencode 'e=x y&z' --data-urlencode "f=it's"`)).toEqual(
      plan({
        name: 'x',
        baseUrl: 'https://a.test',
        steps: [{ kind: 'http', name: 'POST /f', method: 'POST', url: '/f', body: { form: { a: '1', b: '2', c: '@3', d: '4', e: 'x y&z', f: "it's" } } }],
      }).steps[0],
    );
    // `=content` and `content` encode the content alone, as curl does: no longer name=value pairs.
    expect(step(`curl https://a.test/f --data-urlencode '=a b!' --data-urlencode 'c&d'`)).toMatchObject({ body: { text: 'a%20b%21&c%26d' } });
  });

  it('keeps data that is not name=value pairs as text, with the form content type curl sends', () => {
    expect(step(`curl https://a.test/t -d '{"oops": true}'`)).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { text: '{"oops": true}' },
    });
  });

  it('reads the content type from the headers: JSON, text, or a form with a charset', () => {
    expect(step(`curl https://a.test/j -H 'content-type: application/json; charset=utf-8' -d '{"a":[1,2]}'`)).toMatchObject({
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { json: { a: [1, 2] } },
    });
    expect(step(`curl https://a.test/t -H 'Content-Type: text/csv' --data-binary $'a,b\\n1,2'`)).toMatchObject({
      headers: { 'Content-Type': 'text/csv' },
      body: { text: 'a,b\n1,2' },
    });
    expect(step(`curl https://a.test/f -H 'Content-Type: application/x-www-form-urlencoded' -d x=1`)).toMatchObject({
      headers: {},
      body: { form: { x: '1' } },
    });
  });

  it('reads --json: POST, JSON content type and accept', () => {
    expect(step(`curl --json '{"sku":"A1",' --json '"qty":2}' https://a.test/cart`)).toEqual(
      plan({
        name: 'x',
        baseUrl: 'https://a.test',
        steps: [
          { kind: 'http', name: 'POST /cart', method: 'POST', url: '/cart', headers: { accept: 'application/json' }, body: { json: { sku: 'A1', qty: 2 } } },
        ],
      }).steps[0],
    );
    expect(step(`curl --json '[1]' -H 'Accept: text/plain' https://a.test/x`)).toMatchObject({ headers: { Accept: 'text/plain' }, body: { json: [1] } });
  });

  it('reads -G/--get: the data goes to the query', () => {
    expect(step(`curl -G https://a.test/search?lang=en -d q=red --data-urlencode 'sort=price desc'`)).toEqual(
      plan({
        name: 'x',
        baseUrl: 'https://a.test',
        steps: [{ kind: 'http', name: 'GET /search', method: 'GET', url: '/search', query: { lang: 'en', q: 'red', sort: 'price desc' } }],
      }).steps[0],
    );
    expect(step('curl --get -d a=1 -d a=2 https://a.test/s')).toMatchObject({ url: '/s?a=1&a=2', query: {} });
  });

  it('reads -u/--user, -A/--user-agent, -e/--referer, -b/--cookie and --url', () => {
    expect(step(`curl --url https://a.test/me -u ada:s3cret -A 'probe/1.0' -e https://a.test/home -b 'session=1' --cookie 'theme=dark'`)).toEqual(
      plan({
        name: 'x',
        baseUrl: 'https://a.test',
        steps: [
          {
            kind: 'http',
            name: 'GET /me',
            method: 'GET',
            url: '/me',
            headers: { authorization: basic('ada:s3cret'), 'user-agent': 'probe/1.0', referer: 'https://a.test/home', cookie: 'session=1; theme=dark' },
          },
        ],
      }).steps[0],
    );
    expect(step('curl --user ada https://a.test/')).toMatchObject({ headers: { authorization: basic('ada:') } });
    expect(step('curl --user-agent ua --referer r https://a.test/')).toMatchObject({ headers: { 'user-agent': 'ua', referer: 'r' } });
    // An explicit header wins over the option, as with curl.
    expect(step(`curl -u a:b -H 'Authorization: Bearer t' -A ua -H 'User-Agent: mine' https://a.test/`)).toMatchObject({
      headers: { Authorization: 'Bearer t', 'User-Agent': 'mine' },
    });
    expect(step('curl https://ada:pw@a.test/')).toMatchObject({ url: '/', headers: { authorization: basic('ada:pw') } });
  });

  it('ignores options that do not change the request, and reads -m/--max-time as the timeout', () => {
    const command =
      'curl -sSLkvi --compressed -o out.json --output=x -w "%{http_code}" -D - --connect-timeout 3 --retry 2 -f --fail-with-body --http1.1 --no-progress-meter -N -g -4 -m 2.5 https://a.test/x';
    expect(step(command)).toEqual(
      plan({ name: 'x', baseUrl: 'https://a.test', steps: [{ kind: 'http', name: 'GET /x', method: 'GET', url: '/x', timeoutSeconds: 3 }] }).steps[0],
    );
    expect(step('curl --max-time 5000 https://a.test/x')).toMatchObject({ timeoutSeconds: 600 });
  });

  it('accepts a URL without a scheme, a shell prompt, a pipe and a redirection', () => {
    expect(planFromCurl('$ curl example.com/health | jq . > out.json')).toMatchObject({ baseUrl: 'http://example.com', steps: [{ url: '/health' }] });
  });

  it('makes shell variables plan variables, and escapes text that only looks like a reference', () => {
    const result = planFromCurl(`curl -H "Authorization: Bearer $TOKEN" "https://a.test/users/\${USER_ID}" -d 'note=\${kept}'`);
    expect(result.variables).toEqual({ TOKEN: '', USER_ID: '' });
    expect(result.steps[0]).toMatchObject({
      name: 'POST /users/${USER_ID}',
      url: '/users/${USER_ID}',
      headers: { Authorization: 'Bearer ${TOKEN}' },
      body: { form: { note: '$${kept}' } },
    });
    const more = planFromCurl([
      'curl https://a.test/j --json "{\\"id\\": \\"$ID\\", \\"q\\": \\"\\${not}\\"}"',
      'curl -G https://a.test/q --data-urlencode "when=$WHEN"',
    ]);
    expect(more).toMatchObject({ variables: { ID: '', WHEN: '' }, steps: [{ body: { json: { id: '${ID}', q: '$${not}' } } }, { query: { when: '${WHEN}' } }] });
    expect(importIssues(() => planFromCurl('curl https://a.test/\ncurl "https://api-$ENV.a.test/"'))).toEqual([
      {
        path: 'command 2 (line 2)',
        message: `"https://api-\${ENV}.a.test/" has a variable in its origin: write the origin out (the plan's base URL is taken from the first URL)`,
      },
    ]);
    expect(importIssues(() => planFromCurl('curl $BASE_URL/api'))).toEqual([
      { path: 'command 1', message: `"\${BASE_URL}/api" has a variable in its origin: write the origin out (the plan's base URL is taken from the first URL)` },
    ]);
  });

  it('names the unknown option and its command', () => {
    const text = 'curl https://a.test/ok\ncurl --frobnicate https://a.test/x\ncurl -sz https://a.test/y';
    expect(importIssues(() => planFromCurl(text))).toEqual([
      { path: 'command 2 (line 2)', message: 'unknown option "--frobnicate"' },
      { path: 'command 3 (line 3)', message: 'unknown option "-z" (in "-sz")' },
    ]);
    expect(importIssues(() => planFromCurl(['curl https://a.test/', 'curl -Q https://a.test/']))).toEqual([
      { path: 'command 2', message: 'unknown option "-Q"' },
    ]);
    expect(importIssues(() => planFromCurl('curl --constructor x https://a.test/'))).toEqual([
      { path: 'command 1', message: 'unknown option "--constructor"' },
    ]);
  });

  it('names the command with an unterminated quote', () => {
    expect(importIssues(() => planFromCurl(`curl https://a.test/\ncurl -H 'X: 1 https://a.test/`))).toEqual([
      { path: 'command 2 (line 2)', message: 'unterminated single quote (opened on line 2)' },
    ]);
    expect(importIssues(() => planFromCurl('curl -d "a=1 https://a.test/'))).toEqual([
      { path: 'command 1', message: 'unterminated double quote (opened on line 1)' },
    ]);
    const error = (() => {
      try {
        planFromCurl(`curl --data $'oops https://a.test/`);
      } catch (e) {
        return e as PlanImportError;
      }
    })();
    expect(error?.message).toBe('invalid curl command: command 1: unterminated single quote (opened on line 1)');
  });

  it('explains what it cannot import', () => {
    const cases: [string, string][] = [
      ['wget https://a.test/', 'expected a curl command, found "wget"'],
      ['curl -s', 'no URL'],
      ['curl https://a.test/a https://a.test/b', 'more than one URL (https://a.test/a, https://a.test/b): give each request its own curl command'],
      ['curl ftp://a.test/f', '"ftp://a.test/f" is not an http:// or https:// URL'],
      ['curl -X PROPFIND https://a.test/', 'method "PROPFIND" is not supported (use one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS)'],
      ['curl https://a.test/ -H', '-H needs a value'],
      ['curl https://a.test/ -d @body.json', '-d @body.json reads a file, which an import cannot do: paste the content instead (or use --data-raw)'],
      [
        'curl https://a.test/ --data-urlencode name@file.txt',
        '--data-urlencode name@file.txt reads a file, which an import cannot do: paste the content instead',
      ],
      [
        'curl https://a.test/ -b cookies.txt',
        '-b "cookies.txt" names a cookie file, which an import cannot read: give the cookies as "name=value; name2=value2"',
      ],
      ['curl https://a.test/ -H @headers.txt', '-H @headers.txt reads headers from a file, which an import cannot do: give each header with -H "Name: value"'],
      ['curl https://a.test/ -H NoColon', '-H "NoColon" is not a header: write it "Name: value"'],
      ['curl https://a.test/ -F file=@a.png', 'multipart forms (-F/--form) are not supported: give the body with --data-binary and a content-type header'],
      ['curl -I -d a=1 https://a.test/', '-I/--head sends no body: drop the data or -I'],
      ['curl -m soon https://a.test/', '-m needs a positive number of seconds, got "soon"'],
      [
        'curl -u "ada:$PASSWORD" https://a.test/',
        '-u with a variable cannot be imported (the header is encoded once, here): give -H "Authorization: Basic …" instead',
      ],
      ['curl https://a.test/?a=1&b=2', 'unquoted "&": the shell would cut the command there; quote the URL or the data'],
      ['curl https://a.test/ && curl https://a.test/2', 'shell operator "&&" is not supported: put each curl command on its own line'],
    ];
    for (const [command, message] of cases)
      withMessage(command, () => expect(importIssues(() => planFromCurl(command))).toEqual([{ path: 'command 1', message }]));
    expect(importIssues(() => planFromCurl('  \n# nothing\n'))).toEqual([{ path: '', message: 'no curl command found' }]);
  });

  it('names the command of a step that the plan refuses', () => {
    expect(importIssues(() => planFromCurl("curl https://a.test/\ncurl -H 'Bad Name: 1' https://a.test/"))).toEqual([
      { path: 'steps[1].headers.Bad Name', message: expect.stringMatching(/^invalid header name .*\(in the step from command 2 \(line 2\)\)$/) },
    ]);
  });

  it('exports the schema of its input', () => {
    expect(CurlCommandsSchema.safeParse('curl https://a.test/').success).toBe(true);
    expect(CurlCommandsSchema.safeParse(['curl https://a.test/']).success).toBe(true);
    expect(CurlCommandsSchema.safeParse('').success).toBe(false);
  });
});
