// A real OpenID Connect provider (node-oidc-provider, OpenID certified) on loopback, for
// BI18's sign-in tests and for trying single sign-on on a laptop. NEVER for production.
//
//   node provider.mjs            (after `npm ci` in this folder)
//
// Environment:
//   OIDC_PORT            port to listen on (127.0.0.1 only); 0 = any free port
//   OIDC_CLIENT_ID       the one client (BI18); default bi18-dev
//   OIDC_CLIENT_SECRET   its secret; default dev-only-secret
//   OIDC_REDIRECT_URIS   comma-separated redirect URIs (BI18's /konto/oidc/callback/)
//   OIDC_POST_LOGOUT_REDIRECT_URIS   comma-separated URIs allowed after RP-initiated logout
//   OIDC_USERS           path to a JSON file: {"login": {"password": "...", "claims": {...}}},
//                        read at every sign-in; default: users.dev.json beside this file
//
// Prints one line "listening <issuer>" when ready. Users sign in through a plain HTML form;
// consent is implied for the one, first-party client (as an organisation's IdP does).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const here = dirname(fileURLToPath(import.meta.url));
const list = (value, fallback) => (value || fallback).split(',').map((s) => s.trim()).filter(Boolean);

const clientId = process.env.OIDC_CLIENT_ID || 'bi18-dev';
const clientSecret = process.env.OIDC_CLIENT_SECRET || 'dev-only-secret';
const redirectUris = list(process.env.OIDC_REDIRECT_URIS, 'http://127.0.0.1:8000/konto/oidc/callback/');
const postLogoutRedirectUris = list(
  process.env.OIDC_POST_LOGOUT_REDIRECT_URIS,
  'http://127.0.0.1:8000/konto/login/',
);
const usersFile = process.env.OIDC_USERS || join(here, 'users.dev.json');
// Read at every look-up, so that a changed group membership shows at the next sign-in.
const users = () => JSON.parse(readFileSync(usersFile, 'utf8'));

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:26rem;margin:3rem auto}label,input,button{display:block;margin:.4rem 0}
input{width:100%;padding:.4rem}button{padding:.5rem 1rem}.error{color:#a00}</style></head>
<body><h1>Test-IdP</h1><p>Testudbyder af OpenID Connect (kun til udvikling og test).</p>${body}</body></html>`;
}

function loginForm(uid, { login = '', error = '' } = {}) {
  return page('Log ind hos test-IdP', `
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
  ${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
  <label for="login">Brugernavn</label><input id="login" name="login" value="${escape(login)}" required autofocus>
  <label for="password">Adgangskode</label><input id="password" name="password" type="password" required>
  <button type="submit">Log ind</button>
</form>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // PKCE for every client, not only public ones.
  pkce: { required: () => true },
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // Like Microsoft Entra ID: the group claim comes with the ID token without an extra scope.
  claims: {
    openid: ['sub', 'groups'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  conformIdTokenClaims: false,
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  ttl: {
    AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600,
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const all = users();
    const user = Object.hasOwn(all, id) ? all[id] : undefined;
    if (!user) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...user.claims }) };
  },
  // The one client is first-party: its scopes are granted without a consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email');
    await grant.save();
    return grant;
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fejl', `<p class="error" role="alert">${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
  },
};

const port = Number(process.env.OIDC_PORT ?? 9000);
const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  server.on('request', async (req, res) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(new URL(req.url, issuer).pathname);
    if (!match) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(loginForm(details.uid));
      }
      const form = await readForm(req);
      const login = form.get('login') || '';
      const all = users();
      const user = Object.hasOwn(all, login) ? all[login] : undefined;
      if (!user || user.password !== form.get('password')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(loginForm(details.uid, { login, error: 'Forkert brugernavn eller adgangskode.' }));
      }
      return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    } catch (err) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page('Fejl', `<p class="error" role="alert">${escape(err.message)}</p>`));
    }
  });
  console.log(`listening ${issuer}`);
});
