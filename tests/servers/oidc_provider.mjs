/* global process, console, URL */
// A local OpenID provider configured like ProConnect, for the tests only (loopback).
//
// Started by tests/servers/oidc_provider.py with:
//   node oidc_provider.mjs <port> <client_id> <client_secret>
// It prints "ready <issuer>" on stdout once it listens on 127.0.0.1:<port>.
//
// Like ProConnect (https://github.com/numerique-gouv/proconnect-documentation):
// authorization code flow only, PKCE S256 required, a client secret sent in the
// token request (client_secret_post), ID tokens signed RS256 (ES256 also published
// in the JWKS), a signed userinfo answer (application/jwt, RS256), the claims
// `siret`, `usual_name`, `given_name`, `email`, `uid`, and an end_session endpoint.
//
// One difference: the client is registered as a "native" client so that any
// loopback port is accepted in its redirect URI (RFC 8252 §7.3): one provider
// serves every test's server, each on its own free port. The same goes for the
// post-logout redirect URI (http://127.0.0.1:<any port>/).
//
// Accounts: any login typed at the provider's form is an agent of SIRET
// 21630113500010, unless the login says another: "agent-…-siret-<14 digits>" (an
// agent who logged in for another organisation).
//
// Test knobs (loopback only, never in ProConnect): POST /__test/forge with a body
// of "none" | "wrong_audience" | "foreign_key" | "expired" makes the next token
// responses carry an ID token re-made that way (signed by the provider's own key,
// or by a second key absent from the JWKS for "foreign_key").

import http from "node:http";

import * as jose from "jose";
import Provider from "oidc-provider";

const [port, clientId, clientSecret] = process.argv.slice(2);
if (!port || !clientId || !clientSecret) {
  console.error("usage: node oidc_provider.mjs <port> <client_id> <client_secret>");
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

async function key(alg, kid) {
  const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), alg, use: "sig", kid };
}

const rsa = await key("RS256", "rsa-1");
const ec = await key("ES256", "ec-1");
const foreign = await key("RS256", "rsa-1"); // same kid, another key: a forged signature

let forge = "none";

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      application_type: "native",
      redirect_uris: ["http://127.0.0.1/api/v1/auth/proconnect/callback"],
      post_logout_redirect_uris: ["http://127.0.0.1/"],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
      id_token_signed_response_alg: "RS256",
      userinfo_signed_response_alg: "RS256",
    },
  ],
  jwks: { keys: [rsa, ec] },
  pkce: { required: () => true, methods: ["S256"] },
  responseTypes: ["code"],
  scopes: ["openid", "email", "given_name", "usual_name", "siret", "uid"],
  claims: {
    openid: ["sub"],
    email: ["email"],
    given_name: ["given_name"],
    usual_name: ["usual_name"],
    siret: ["siret"],
    uid: ["uid"],
  },
  // ProConnect sends the identity claims in the userinfo answer; the ID token
  // carries sub, nonce and the protocol claims.
  conformIdTokenClaims: true,
  features: {
    devInteractions: { enabled: true },
    userinfo: { enabled: true },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // ProConnect ends the session without asking: the confirmation form is sent at once.
      async logoutSource(ctx, form) {
        const submit = form.replace("</form>", '<input type="hidden" name="logout" value="yes"><button type="submit">Se déconnecter</button></form>');
        ctx.body = `<!doctype html><html lang="fr"><head><title>Déconnexion</title></head><body>${submit}<script>document.forms[0].submit()</script></body></html>`;
      },
    },
  },
  cookies: { keys: ["oidc-provider-test-cookie-key"] },
  ttl: { AccessToken: 60, AuthorizationCode: 60, IdToken: 60, Interaction: 600, Session: 600, Grant: 600 },
  async findAccount(_ctx, sub) {
    // Any login typed at the test login form is an agent: the tests use a fresh one each.
    const siret = /-siret-([0-9]{14})$/.exec(sub)?.[1] ?? "21630113500010";
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          uid: sub,
          email: `${sub}@agents.example.test`,
          given_name: "Claire",
          usual_name: "Martin",
          siret,
        };
      },
    };
  },
});
provider.proxy = false;
// Any loopback port, as for the redirect URI (see above): only http://127.0.0.1:<port>/.
provider.Client.prototype.postLogoutRedirectUriAllowed = function allowed(value) {
  try {
    const url = new URL(value);
    return url.protocol === "http:" && url.hostname === "127.0.0.1" && url.pathname === "/" && !url.search && !url.hash;
  } catch {
    return false;
  }
};

// Re-make the ID token of a token answer as asked by the test knob.
provider.use(async (ctx, next) => {
  await next();
  if (forge === "none" || ctx.path !== "/token" || ctx.status !== 200) return;
  const body = typeof ctx.body === "string" ? JSON.parse(ctx.body) : ctx.body;
  if (!body || typeof body.id_token !== "string") return;
  const claims = jose.decodeJwt(body.id_token);
  let signer = rsa;
  if (forge === "wrong_audience") claims.aud = "another-client";
  if (forge === "expired") {
    const now = Math.floor(Date.now() / 1000);
    claims.iat = now - 3600;
    claims.exp = now - 1800;
  }
  if (forge === "foreign_key") signer = foreign;
  const privateKey = await jose.importJWK(signer, "RS256");
  body.id_token = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: signer.kid, typ: "JWT" })
    .sign(privateKey);
  ctx.body = body;
});

const handler = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url === "/favicon.ico") {
    res.writeHead(204).end(); // the browser asks for it on the provider's pages
    return;
  }
  if (req.method === "POST" && req.url === "/__test/forge") {
    let text = "";
    req.on("data", (chunk) => {
      text += chunk;
    });
    req.on("end", () => {
      if (!["none", "wrong_audience", "foreign_key", "expired"].includes(text)) {
        res.writeHead(400).end("unknown forge mode");
        return;
      }
      forge = text;
      res.writeHead(204).end();
    });
    return;
  }
  handler(req, res);
});
server.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
