// A real OpenID Provider for the tests: panva's oidc-provider (a certified implementation),
// shaped like Microsoft Entra ID, on 127.0.0.1. Started and stopped by the fixture in
// tests/oidc_fixture.py; nothing here is used by the product.
//
// Configured from the environment:
//   OIDC_TEST_PORT           the port (the issuer is http://127.0.0.1:<port>)
//   OIDC_TEST_CONTROL_TOKEN  the secret the test process sends to /test/... (below)
//   OIDC_TEST_ACCOUNTS       JSON: {"<account id>": {"username": "...", "password": "...",
//                            "claims": {oid, tid, name, email, preferred_username, roles,
//                            groups, ...}, "graph_groups": [...], "overage": true}}
//
// Besides the provider itself (discovery, authorisation with PKCE, token, userinfo, JWKS,
// end session, dynamic client registration for each test app):
//   GET/POST /interaction/<uid>  its login page: a username and password form (a wrong
//                                password is refused, as a real provider does)
//   /graph/v1.0/me/getMemberObjects (POST) and /graph/v1.0/me/transitiveMemberOf (GET,
//                                paged): a stand-in for Microsoft Graph, answering with the
//                                groups of the account the bearer access token was issued to
//   PUT /test/accounts/<id>      add or replace an account (X-Control-Token header)
//   PUT /test/outage             {"paths": ["/token", ...]}: answer 503 on those paths
//
// An account with "overage": true gets Entra's "too many groups" claims instead of
// "groups": _claim_names {"groups": "src1"} and _claim_sources {"src1": {"endpoint": ...}}.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_TEST_PORT);
if (!port) {
  console.error('OIDC_TEST_PORT must be set');
  process.exit(2);
}
const host = '127.0.0.1';
const issuer = `http://${host}:${port}`;
const controlToken = process.env.OIDC_TEST_CONTROL_TOKEN || '';
const accounts = new Map(Object.entries(JSON.parse(process.env.OIDC_TEST_ACCOUNTS || '{}')));
const GRAPH_PAGE = 100;
let outage = new Set();

const ENTRA_CLAIMS = ['oid', 'tid', 'roles', 'groups', 'preferred_username', 'name', 'email'];

function accountClaims(id) {
  const account = accounts.get(id);
  if (!account) return undefined;
  const claims = { sub: id, ...account.claims };
  if (account.overage) {
    delete claims.groups;
    // What Entra sends when a person is in more groups than fit in a token.
    claims._claim_names = { groups: 'src1' };
    claims._claim_sources = {
      src1: { endpoint: `${issuer}/graph/v1.0/users/${claims.oid}/getMemberObjects` },
    };
  }
  return claims;
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // Entra puts the claims in the ID token itself; so does this provider.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub', ...ENTRA_CLAIMS],
    profile: ['name', 'preferred_username'],
    email: ['email'],
  },
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.type = 'html';
        ctx.body = page('Sign out', `<h1>Sign out of the test provider?</h1>${form}
          <button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.type = 'html';
        ctx.body = page('Signed out', '<h1>You have signed out of the test provider</h1>');
      },
    },
  },
  pkce: { required: () => true },
  clientDefaults: {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
  },
  async findAccount(ctx, id) {
    if (!accounts.has(id)) return undefined;
    return {
      accountId: id,
      async claims() {
        return accountClaims(id);
      },
    };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>${escape(out.error)}</h1><p>${escape(out.error_description || '')}</p>`);
  },
});
provider.proxy = false;

function escape(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Pages without anything from outside (no fonts, no scripts).
function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main>${body}</main></body></html>`;
}

function loginPage(uid, message) {
  return page('Sign in to the test provider', `<h1>Sign in to the test provider</h1>
${message ? `<p role="alert" id="error">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
  <label for="username">Username</label> <input id="username" name="username" autocomplete="username">
  <label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password">
  <button type="submit" id="sign-in">Sign in</button>
</form>`);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, body, type = 'application/json') {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function findByUsername(username) {
  for (const [id, account] of accounts) {
    if (account.username === username || id === username) return [id, account];
  }
  return [undefined, undefined];
}

function samePassword(given, expected) {
  const a = Buffer.from(String(given));
  const b = Buffer.from(String(expected));
  return a.length === b.length && timingSafeEqual(a, b);
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Error', '<h1>Wrong interaction</h1>'), 'text/html');
  if (req.method === 'GET') return send(res, 200, loginPage(uid), 'text/html');
  const form = new URLSearchParams(await readBody(req));
  const [accountId, account] = findByUsername(form.get('username') || '');
  if (!account || !samePassword(form.get('password') || '', account.password)) {
    return send(res, 400, loginPage(uid, 'The username or password is not right'), 'text/html');
  }
  // A first-party application: consent is given with the sign-in.
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, {
    login: { accountId },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

// The stand-in for Microsoft Graph: the groups of whoever the access token was issued to.
async function graph(req, res, path) {
  const header = req.headers.authorization || '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  const accessToken = token ? await provider.AccessToken.find(token) : undefined;
  if (!accessToken || accessToken.isExpired) {
    return send(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or not valid.' } });
  }
  const groups = accounts.get(accessToken.accountId)?.graph_groups || [];
  if (path.endsWith('/getMemberObjects') && req.method === 'POST') {
    const body = JSON.parse((await readBody(req)) || '{}');
    if (typeof body.securityEnabledOnly !== 'boolean') {
      return send(res, 400, { error: { code: 'Request_BadRequest', message: 'securityEnabledOnly is required.' } });
    }
    return send(res, 200, { '@odata.context': `${issuer}/graph/v1.0/$metadata#Collection(Edm.String)`, value: groups });
  }
  if (path === '/graph/v1.0/me/transitiveMemberOf' && req.method === 'GET') {
    const url = new URL(req.url, issuer);
    const skip = Number(url.searchParams.get('$skiptoken') || '0');
    const slice = groups.slice(skip, skip + GRAPH_PAGE);
    const result = { value: slice.map((id) => ({ '@odata.type': '#microsoft.graph.group', id })) };
    if (skip + GRAPH_PAGE < groups.length) {
      result['@odata.nextLink'] = `${issuer}/graph/v1.0/me/transitiveMemberOf?$skiptoken=${skip + GRAPH_PAGE}`;
    }
    return send(res, 200, result);
  }
  return send(res, 404, { error: { code: 'Request_ResourceNotFound', message: path } });
}

async function control(req, res, path) {
  const given = Buffer.from(String(req.headers['x-control-token'] || ''));
  const expected = Buffer.from(controlToken);
  if (!controlToken || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return send(res, 403, { error: 'control token' });
  }
  const body = JSON.parse((await readBody(req)) || '{}');
  if (req.method === 'PUT' && path.startsWith('/test/accounts/')) {
    accounts.set(decodeURIComponent(path.slice('/test/accounts/'.length)), body);
    return send(res, 200, { ok: true });
  }
  if (req.method === 'PUT' && path === '/test/outage') {
    outage = new Set(body.paths || []);
    return send(res, 200, { ok: true });
  }
  return send(res, 404, { error: 'no such control' });
}

const handler = provider.callback();

const server = createServer(async (req, res) => {
  const path = new URL(req.url, issuer).pathname;
  try {
    if (path.startsWith('/test/')) return await control(req, res, path);
    if (outage.has(path)) return send(res, 503, { error: 'temporarily_unavailable' });
    if (path.startsWith('/graph/')) return await graph(req, res, path);
    const match = path.match(/^\/interaction\/([^/]+)$/);
    if (match) return await interaction(req, res, match[1]);
    return handler(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) send(res, 500, { error: String(error && error.message) });
    else res.end();
  }
});

server.listen(port, host, () => {
  console.log(`oidc test provider listening at ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
