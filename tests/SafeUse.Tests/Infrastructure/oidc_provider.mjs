// A real OpenID provider on loopback for the single sign-on tests: the npm package oidc-provider (a certified
// implementation), behind a small front server that adds what only a test needs:
//   POST /test/next    {sub, email, email_verified, tid, hd, preferred_username, amr}: who the next login is
//   POST /test/tamper  the next token response's id token gets a changed payload under its original signature
// There is no login form: an interaction is finished at once as the next login, with consent for the scopes asked.
// Prints "LISTENING <port>" when ready; stops when stdin closes.
//
// node oidc_provider.mjs --modules <node_modules> --port 0 --client-id X --client-secret Y --redirect URI [--redirect URI]

import http from 'node:http';
import crypto from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    modules: { type: 'string' },
    port: { type: 'string', default: '0' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    redirect: { type: 'string', multiple: true },
  },
});

const { default: Provider } = await import(pathToFileURL(path.join(args.modules, 'oidc-provider', 'lib', 'index.js')).href);

const front = http.createServer();
await new Promise((resolve) => front.listen(Number(args.port), '127.0.0.1', resolve));
const port = front.address().port;
const issuer = `http://127.0.0.1:${port}`;

let next = { sub: 'nobody', email: 'nobody@example.invalid', email_verified: true, amr: ['pwd'] };
let tamper = false;
const accounts = new Map();

const provider = new Provider(issuer, {
  clients: [{
    client_id: args['client-id'],
    client_secret: args['client-secret'],
    redirect_uris: args.redirect,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [{ ...crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
  claims: {
    // amr in the openid scope so every id token carries it, as Entra's does.
    openid: ['sub', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'tid', 'hd'],
  },
  // Every claim in the id token, as Entra and Google put them there, rather than only at the userinfo endpoint.
  conformIdTokenClaims: false,
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, ...accounts.get(id) }) }),
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => true },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  renderError: async (ctx, out) => { ctx.type = 'text/plain'; ctx.body = `${out.error}: ${out.error_description}`; },
});

const callback = provider.callback();

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const who = next;
  const { sub, amr, ...claims } = who;
  accounts.set(sub, claims);
  const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: sub, amr: amr ?? ['pwd'] }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// The id token's payload changed (another email and subject) while its header and signature stay: a token a
// man in the middle edited. A relying party that checks the signature refuses it.
function tamperWith(body) {
  const json = JSON.parse(body.toString('utf8'));
  const [header, payload, signature] = json.id_token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.sub = 'someone-else';
  claims.email = 'someone.else@example.invalid';
  json.id_token = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
  return Buffer.from(JSON.stringify(json));
}

// The token endpoint's answer is captured (so it can be tampered with) by running the provider on an inner loopback
// server and forwarding to it; the Host header is kept, so every URL the provider makes names the front server.
const inner = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((e) => { res.statusCode = 500; res.end(String(e)); });
  } else {
    callback(req, res);
  }
});
await new Promise((resolve) => inner.listen(0, '127.0.0.1', resolve));

front.on('request', async (req, res) => {
  try {
    if (req.method === 'POST' && req.url === '/test/next') {
      next = JSON.parse((await readBody(req)).toString('utf8'));
      res.end('ok');
      return;
    }

    if (req.method === 'POST' && req.url === '/test/tamper') {
      tamper = true;
      res.end('ok');
      return;
    }

    const body = await readBody(req);
    const forwarded = http.request({ host: '127.0.0.1', port: inner.address().port, method: req.method, path: req.url, headers: req.headers }, async (answer) => {
      let out = await readBody(answer);
      const headers = { ...answer.headers };
      if (tamper && req.url.startsWith('/token') && answer.statusCode === 200) {
        tamper = false;
        out = tamperWith(out);
        delete headers['transfer-encoding'];
        headers['content-length'] = String(out.length);
      }

      res.writeHead(answer.statusCode, headers);
      res.end(out);
    });
    forwarded.on('error', (e) => { res.statusCode = 502; res.end(String(e)); });
    forwarded.end(body);
  } catch (e) {
    res.statusCode = 500;
    res.end(String(e));
  }
});

process.stdout.write(`LISTENING ${port}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
