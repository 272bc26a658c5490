// The identity provider the OIDC tests log in against: panva's oidc-provider on loopback,
// with three clients and JWT access tokens for one audience (resource indicators). Started by
// tests/oidc/harness.rs; prints one JSON line on stdout when ready and exits when its stdin
// closes (so it never outlives the test that started it).
//
// Environment (all optional):
//   OIDC_AUDIENCE            audience of every access token   (https://flyte.test/secrets)
//   OIDC_CLIENT_SECRET       secret of the flyte-ci client     (random)
//   OIDC_GROUPS              JSON {"login": ["group", ...]}    ({})
//   OIDC_ACCESS_TOKEN_TTL    seconds                           (300)
//   OIDC_DEVICE_CODE_TTL     seconds                           (600)
//   OIDC_DEVICE_INTERVAL     polling interval announced, s     (1)
//   OIDC_SLOW_DOWN_POLLS     answer this many device polls slow_down first (0)
//
// Test-only routes (never part of a real IdP):
//   POST /test/sign    {"claims": {...}, "header": {...}, "key": "current"|"unknown"} -> {"jwt"}
//   POST /test/rotate  a new signing key, published first in the JWKS             -> {"kid"}
//   GET  /test/polls   times (ms since epoch) of the device-code polls             -> [..]

import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider, { errors } from 'oidc-provider';

// stdout carries the ready line only (the harness stops reading it after that): everything
// oidc-provider logs goes to stderr.
console.log = console.info = console.error;
process.stdout.on('error', () => {});

const env = process.env;
const audience = env.OIDC_AUDIENCE ?? 'https://flyte.test/secrets';
const clientSecret = env.OIDC_CLIENT_SECRET ?? randomBytes(24).toString('hex');
const groups = JSON.parse(env.OIDC_GROUPS ?? '{}');
const accessTtl = Number(env.OIDC_ACCESS_TOKEN_TTL ?? 300);
const deviceTtl = Number(env.OIDC_DEVICE_CODE_TTL ?? 600);
const deviceInterval = Number(env.OIDC_DEVICE_INTERVAL ?? 1);
let slowDownLeft = Number(env.OIDC_SLOW_DOWN_POLLS ?? 0);
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

async function newKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = randomBytes(8).toString('hex');
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return { jwk, privateKey };
}

// Native clients: any loopback port is accepted for their redirect URIs (RFC 8252).
const clients = [
  {
    client_id: 'flyte-pkce',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token', DEVICE_GRANT],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'],
  },
  {
    client_id: 'flyte-device',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: [DEVICE_GRANT, 'refresh_token'],
    response_types: [],
    redirect_uris: [],
  },
  {
    client_id: 'flyte-ci',
    client_secret: clientSecret,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  },
];

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(env.OIDC_PORT ?? 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

let keys = [await newKey()];
const unknownKey = await newKey();
const polls = [];

function makeProvider() {
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: keys.map((k) => k.jwk) },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    scopes: ['openid', 'offline_access'],
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Clients name the audience with the Auth0-style `audience` parameter (as the Python
        // SDK does) or not at all; every token is for this one API.
        defaultResource: async () => audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== audience) throw new errors.InvalidTarget();
          return {
            scope: 'all',
            audience,
            accessTokenTTL: accessTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // Refresh tokens for every client allowed the grant (no offline_access + consent dance).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    extraTokenClaims: async (_ctx, token) => {
      const g = token.accountId && groups[token.accountId];
      return g ? { groups: g } : undefined;
    },
    ttl: { AccessToken: accessTtl, ClientCredentials: accessTtl, DeviceCode: deviceTtl },
  });
  provider.use(async (ctx, next) => {
    await next();
    // oidc-provider announces no interval; RFC 8628 clients (and the Python SDK) read one.
    if (ctx.path === '/device/auth' && ctx.body?.device_code) ctx.body.interval = deviceInterval;
    if (ctx.path === '/token' && ctx.oidc?.params?.grant_type === DEVICE_GRANT) {
      polls.push(Date.now());
      // Fault injection: a provider that tells the client to poll slower.
      if (ctx.body?.error === 'authorization_pending' && slowDownLeft > 0) {
        slowDownLeft -= 1;
        ctx.body = { error: 'slow_down', error_description: 'polling too fast' };
      }
    }
  });
  return provider;
}

let provider = makeProvider();
let handler = provider.callback();

async function json(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

server.on('request', async (req, res) => {
  try {
    if (req.url === '/test/sign' && req.method === 'POST') {
      const { claims = {}, header = {}, key = 'current' } = await json(req);
      const k = key === 'unknown' ? unknownKey : keys[0];
      const jwt = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: k.jwk.kid, typ: 'at+jwt', ...header })
        .sign(k.privateKey);
      return send(res, 200, { jwt });
    }
    if (req.url === '/test/rotate' && req.method === 'POST') {
      keys = [await newKey(), ...keys];
      provider = makeProvider();
      handler = provider.callback();
      return send(res, 200, { kid: keys[0].jwk.kid });
    }
    if (req.url === '/test/polls') return send(res, 200, polls);
    return handler(req, res);
  } catch (e) {
    send(res, 500, { error: String(e) });
  }
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();

process.stdout.write(`${JSON.stringify({
  issuer,
  audience,
  client_secret: clientSecret,
  kid: keys[0].jwk.kid,
  clients: { pkce: 'flyte-pkce', device: 'flyte-device', ci: 'flyte-ci' },
})}\n`);
