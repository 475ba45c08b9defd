import { expect, test } from 'vitest';
import { filterSecrets, secretKind } from './secrets.ts';

test('recognizes .env files, PEM and key files, SSH keys, .npmrc and git folders', () => {
  for (const path of [
    '.env',
    'config/.env.production',
    'node_modules/x/server.pem',
    'certs/tls.key',
    'home/id_rsa',
    'home/id_ed25519.pub',
    'node_modules/x/.npmrc',
    'node_modules/x/.git/config',
  ]) {
    expect({ path, secret: secretKind(path) !== null }).toEqual({ path, secret: true });
  }
});

test('leaves ordinary modules alone, including ones whose names start with id_', () => {
  for (const path of [
    'index.js',
    'node_modules/x/lib/id_utils.js',
    'node_modules/x/environment.js',
    'keys.json',
    'node_modules/x/key.js',
  ]) {
    expect({ path, secret: secretKind(path) }).toEqual({ path, secret: null });
  }
});

test('the allow-list lets exact paths and dir/* prefixes through', () => {
  const { kept, refused } = filterSecrets(
    ['certs/ca.pem', 'certs/extra/b.pem', 'app/.env', 'tls/server.key'],
    (p) => p,
    ['certs/*', 'tls/server.key'],
  );
  expect(kept).toEqual(['certs/ca.pem', 'certs/extra/b.pem', 'tls/server.key']);
  expect(refused).toEqual([{ path: 'app/.env', kind: 'an .env file' }]);
});
