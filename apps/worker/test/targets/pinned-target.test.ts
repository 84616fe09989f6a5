import { parseAllowlist, TargetRefused, type Lookup } from '@loadtest/targets';
import { describe, expect, it } from '@jest/globals';
import { pinTarget } from '@loadtest/engine';

const lookup: Lookup = async (name) =>
  name === 'v6.example'
    ? [{ address: '2606:2800:220:1::1', family: 6 }]
    : [
        { address: '93.184.216.34', family: 4 },
        { address: '93.184.216.35', family: 4 },
      ];
const guard = { allowlist: parseAllowlist('api.example:443, v6.example, 127.0.0.2'), lookup };

describe('pinTarget', () => {
  it('connects https to the first checked address, the name kept as Host and TLS servername', async () => {
    await expect(pinTarget('https://API.example./v1?x=1', guard)).resolves.toEqual({
      url: 'https://93.184.216.34/v1?x=1',
      host: 'api.example.',
      servername: 'api.example',
      address: '93.184.216.34',
      addresses: ['93.184.216.34', '93.184.216.35'],
    });
  });

  it('brackets an IPv6 address, and gives no servername to plain http or an IP host', async () => {
    await expect(pinTarget('http://v6.example:8080/', guard)).resolves.toMatchObject({ url: 'http://[2606:2800:220:1::1]:8080/', host: 'v6.example:8080' });
    const ip = await pinTarget('http://127.0.0.2:81/', guard);
    expect(ip).toEqual({ url: 'http://127.0.0.2:81/', host: '127.0.0.2:81', address: '127.0.0.2', addresses: ['127.0.0.2'] });
  });

  it('refuses what the allowlist refuses, naming the host', async () => {
    await expect(pinTarget('http://api.example/', guard)).rejects.toThrow(TargetRefused);
    await expect(pinTarget('http://api.example/', guard)).rejects.toThrow(/"api\.example" is refused: host api\.example port 80 is not in the allowlist/);
  });
});
