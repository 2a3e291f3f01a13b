/*
 * Portcullis developer portal: key registration, the JWT bearer grant signed in the browser, and
 * the SOAP envelope editor. Load it with <script src="…/portal-extra.js" defer></script>; it runs
 * under the portal's CSP (script-src 'self', no inline script, no eval) and needs WebCrypto, so a
 * secure context (HTTPS, or http://localhost / 127.0.0.1). It hooks onto elements by id; each part
 * does nothing when its elements are absent. Everything it sends goes to this origin.
 *
 * Contract with the pages (docs/API-DOCUMENTS.md, "Try API extras"):
 *
 * <meta name="csrf-token" content="…">  the session's CSRF token, sent as the form field _csrf.
 *
 * #keys-panel  (My application page)
 *   form#keys-form[action]  where keys are registered: POST application/x-www-form-urlencoded with
 *       the field `jwks` (a JWK set, JSON) or `pem` (PEM public keys or certificates), plus `_csrf`.
 *       Any 2xx answer (or a redirect to one) means registered; otherwise the answer's text is shown.
 *       Inside it: textarea[name=jwks] and/or textarea[name=pem]; the form's submit posts whichever
 *       is filled. input#keys-file (type=file) reads a .json/.jwks or .pem file into them.
 *   button#keys-generate  "Make a key pair in the browser": an ES256 (P-256) key pair is made with
 *       WebCrypto; only the public JWK (with an RFC 7638 thumbprint as kid) is posted as `jwks`.
 *       The private key stays in this page's memory and is offered as a PKCS#8 PEM download in
 *       a#keys-download; it is never sent anywhere.
 *   #keys-status  messages (role=status).
 *
 * #bearer-panel  (My application or Try API page): the RFC 7523 JWT bearer grant.
 *   data-client-id  the application's client id (iss and sub of the assertion).
 *   data-issuer  the authorization server's issuer identifier (aud); when absent it is read from
 *       /.well-known/oauth-authorization-server.
 *   data-token-endpoint  default /oauth2/token.
 *   input#bearer-key-file  loads a PKCS#8 PEM private key (ES256 or RS256) into the page's memory;
 *       a key made by #keys-generate on the same page is used without it.
 *   input#bearer-scope  (optional) the scope asked for.
 *   button#bearer-get  signs {iss, sub, aud, iat, exp (+5 min), jti} and POSTs
 *       grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=… to the token endpoint.
 *   #bearer-result  the outcome. On success a CustomEvent "portcullis:token" is dispatched on
 *       document with detail {accessToken, tokenType, expiresIn, scope, source: "jwt-bearer"},
 *       for the Try API console's token list.
 *
 * #soap-panel  (Try API, SOAP resources)
 *   data-soap-action  the operation's soapAction; data-endpoint  where Send posts (the API's path).
 *   textarea#soap-envelope  prefilled by the page with the resource's envelope skeleton.
 *   window.PortcullisPortal.soapRequest() → {method, url, headers, body}: what the console's Send
 *       uses. SOAP 1.1 (envelope namespace http://schemas.xmlsoap.org/soap/envelope/): Content-Type
 *       text/xml and a SOAPAction header; SOAP 1.2: Content-Type application/soap+xml with action.
 *   window.PortcullisPortal.soapHeaders(envelope, action) → those headers (and the Accept of the
 *       version) for an envelope, or null when it is none: the Try API console sets them in its
 *       Header tab when a SOAP operation is chosen.
 *   button#soap-send, input#soap-bearer, #soap-response  (optional) a Send of its own; a token
 *       from "portcullis:token" fills #soap-bearer.
 */
(function () {
  'use strict';

  var SOAP_11 = 'http://schemas.xmlsoap.org/soap/envelope/';
  var SOAP_12 = 'http://www.w3.org/2003/05/soap-envelope';
  var JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
  var ES256 = { name: 'ECDSA', namedCurve: 'P-256' };
  var RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  var state = { key: null, alg: null, kid: null, downloadUrl: null };

  function $(id) {
    return document.getElementById(id);
  }

  function say(element, text, failed) {
    if (!element) return;
    element.textContent = text;
    element.setAttribute('data-state', failed ? 'error' : 'ok');
  }

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function base64(bytes) {
    var s = '';
    var b = new Uint8Array(bytes);
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return btoa(s);
  }

  function base64url(bytes) {
    return base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function utf8(text) {
    return new TextEncoder().encode(text);
  }

  function form(fields) {
    return Object.keys(fields)
      .map(function (k) {
        return encodeURIComponent(k) + '=' + encodeURIComponent(fields[k]);
      })
      .join('&');
  }

  function postForm(url, fields) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form(fields)
    });
  }

  function pem(label, der) {
    var lines = base64(der).match(/.{1,64}/g) || [];
    return '-----BEGIN ' + label + '-----\n' + lines.join('\n') + '\n-----END ' + label + '-----\n';
  }

  /** RFC 7638 thumbprint of an EC or RSA public JWK. */
  function thumbprint(jwk) {
    var members =
      jwk.kty === 'EC'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
        : { e: jwk.e, kty: jwk.kty, n: jwk.n };
    return crypto.subtle.digest('SHA-256', utf8(JSON.stringify(members))).then(base64url);
  }

  // --- #keys-panel ---------------------------------------------------------------------------

  function registerKeys(fields) {
    var keysForm = $('keys-form');
    if (!keysForm) return Promise.reject(new Error('the page has no form#keys-form'));
    fields._csrf = csrf();
    return postForm(keysForm.getAttribute('action'), fields).then(function (response) {
      if (response.ok) return response;
      return response.text().then(function (text) {
        throw new Error('not registered (' + response.status + '): ' + text.slice(0, 300));
      });
    });
  }

  function initKeys() {
    var panel = $('keys-panel');
    if (!panel) return;
    var status = $('keys-status');
    var keysForm = $('keys-form');
    var file = $('keys-file');
    if (file && keysForm) {
      file.addEventListener('change', function () {
        if (!file.files || !file.files[0]) return;
        file.files[0].text().then(function (text) {
          var json = text.trim().charAt(0) === '{';
          var target = keysForm.querySelector(json ? 'textarea[name=jwks]' : 'textarea[name=pem]');
          if (target) target.value = text;
          else say(status, 'This form takes no ' + (json ? 'JWK set' : 'PEM'), true);
        });
      });
    }
    if (keysForm) {
      keysForm.addEventListener('submit', function (event) {
        event.preventDefault();
        var fields = {};
        ['jwks', 'pem'].forEach(function (name) {
          var field = keysForm.querySelector('textarea[name=' + name + ']');
          if (field && field.value.trim()) fields[name] = field.value.trim();
        });
        if (!fields.jwks && !fields.pem) {
          say(status, 'Paste or choose a JWK set or a PEM public key first', true);
          return;
        }
        registerKeys(fields).then(
          function () {
            say(status, 'Public key registered');
          },
          function (e) {
            say(status, e.message, true);
          }
        );
      });
    }
    var generate = $('keys-generate');
    if (generate) generate.addEventListener('click', function () {
      generate.disabled = true;
      say(status, 'Making a key pair…');
      makeKeyPair()
        .then(function (made) {
          return registerKeys({ jwks: JSON.stringify({ keys: [made.jwk] }) }).then(function () {
            return made;
          });
        })
        .then(function (made) {
          state.key = made.privateKey;
          state.alg = 'ES256';
          state.kid = made.jwk.kid;
          return crypto.subtle.exportKey('pkcs8', made.privateKey).then(function (der) {
            offerDownload(pem('PRIVATE KEY', der), panel.getAttribute('data-client-id'));
            say(
              status,
              'Public key ' + made.jwk.kid + ' registered. The private key is only in this page:' +
                ' download it now to use it later.'
            );
          });
        })
        .catch(function (e) {
          say(status, 'No key registered: ' + e.message, true);
        })
        .then(function () {
          generate.disabled = false;
        });
    });
  }

  function makeKeyPair() {
    return crypto.subtle
      .generateKey(ES256, true, ['sign', 'verify'])
      .then(function (pair) {
        return crypto.subtle.exportKey('jwk', pair.publicKey).then(function (jwk) {
          var publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, use: 'sig', alg: 'ES256' };
          return thumbprint(publicJwk).then(function (kid) {
            publicJwk.kid = kid;
            return { jwk: publicJwk, privateKey: pair.privateKey };
          });
        });
      });
  }

  function offerDownload(text, clientId) {
    var link = $('keys-download');
    if (!link) {
      link = document.createElement('a');
      link.id = 'keys-download';
      link.className = 'button';
      link.textContent = 'Download the private key';
      $('keys-panel').appendChild(link);
    }
    if (state.downloadUrl) URL.revokeObjectURL(state.downloadUrl);
    state.downloadUrl = URL.createObjectURL(new Blob([text], { type: 'application/x-pem-file' }));
    link.href = state.downloadUrl;
    link.download = (clientId || 'application') + '-private-key.pem';
    link.hidden = false;
  }

  // --- #bearer-panel -------------------------------------------------------------------------

  function importPrivateKey(text) {
    var body = text.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
    if (text.indexOf('BEGIN PRIVATE KEY') < 0 || !body) {
      return Promise.reject(new Error('expected a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----")'));
    }
    var der = Uint8Array.from(atob(body), function (c) {
      return c.charCodeAt(0);
    });
    return crypto.subtle.importKey('pkcs8', der, ES256, false, ['sign']).then(
      function (key) {
        return { key: key, alg: 'ES256' };
      },
      function () {
        return crypto.subtle.importKey('pkcs8', der, RS256, false, ['sign']).then(
          function (key) {
            return { key: key, alg: 'RS256' };
          },
          function () {
            throw new Error('the key is neither an EC P-256 nor an RSA private key');
          }
        );
      }
    );
  }

  function issuerOf(panel) {
    var issuer = panel.getAttribute('data-issuer');
    if (issuer) return Promise.resolve(issuer);
    return fetch('/.well-known/oauth-authorization-server', { credentials: 'omit' })
      .then(function (r) {
        if (!r.ok) throw new Error('the authorization server metadata answered ' + r.status);
        return r.json();
      })
      .then(function (metadata) {
        return metadata.issuer;
      });
  }

  /** A compact JWS: header and claims as JSON, signed with the page's key. */
  function signAssertion(clientId, audience) {
    var now = Math.floor(Date.now() / 1000);
    var header = { alg: state.alg, typ: 'JWT' };
    if (state.kid) header.kid = state.kid;
    var claims = {
      iss: clientId,
      sub: clientId,
      aud: audience,
      iat: now,
      exp: now + 300,
      jti: crypto.randomUUID()
    };
    var input =
      base64url(utf8(JSON.stringify(header))) + '.' + base64url(utf8(JSON.stringify(claims)));
    var algorithm = state.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : RS256;
    // WebCrypto's ECDSA signature is r || s, which is what JWS ES256 wants.
    return crypto.subtle.sign(algorithm, state.key, utf8(input)).then(function (signature) {
      return input + '.' + base64url(signature);
    });
  }

  function initBearer() {
    var panel = $('bearer-panel');
    if (!panel) return;
    var result = $('bearer-result');
    var file = $('bearer-key-file');
    if (file) {
      file.addEventListener('change', function () {
        if (!file.files || !file.files[0]) return;
        file.files[0]
          .text()
          .then(importPrivateKey)
          .then(function (loaded) {
            state.key = loaded.key;
            state.alg = loaded.alg;
            state.kid = null;
            say(result, 'Private key loaded (' + loaded.alg + '); it stays in this page');
          })
          .catch(function (e) {
            say(result, 'Key not loaded: ' + e.message, true);
          });
      });
    }
    var get = $('bearer-get');
    if (!get) return;
    get.addEventListener('click', function () {
      if (!state.key) {
        say(result, 'Make a key pair or load your private key first', true);
        return;
      }
      var clientId = panel.getAttribute('data-client-id');
      var endpoint = panel.getAttribute('data-token-endpoint') || '/oauth2/token';
      var scope = $('bearer-scope');
      get.disabled = true;
      issuerOf(panel)
        .then(function (issuer) {
          return signAssertion(clientId, issuer);
        })
        .then(function (assertion) {
          var fields = { grant_type: JWT_BEARER, assertion: assertion };
          if (scope && scope.value.trim()) fields.scope = scope.value.trim();
          return fetch(endpoint, {
            method: 'POST',
            credentials: 'omit',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: form(fields)
          });
        })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) {
              throw new Error((body.error || response.status) + ': ' + (body.error_description || ''));
            }
            return body;
          });
        })
        .then(function (body) {
          say(result, 'Token received, valid for ' + body.expires_in + ' s');
          result.setAttribute('data-token', body.access_token);
          document.dispatchEvent(
            new CustomEvent('portcullis:token', {
              detail: {
                accessToken: body.access_token,
                tokenType: body.token_type,
                expiresIn: body.expires_in,
                scope: body.scope || '',
                source: 'jwt-bearer'
              }
            })
          );
        })
        .catch(function (e) {
          say(result, 'No token: ' + e.message, true);
        })
        .then(function () {
          get.disabled = false;
        });
    });
  }

  // --- #soap-panel ---------------------------------------------------------------------------

  /**
   * The headers a SOAP envelope is sent with, by its version: SOAP 1.2 (envelope namespace
   * http://www.w3.org/2003/05/soap-envelope) Content-Type application/soap+xml with the action as
   * its parameter and no SOAPAction header; SOAP 1.1 Content-Type text/xml and a SOAPAction header.
   * Null when the body is no SOAP envelope.
   */
  function soapHeaders(body, action) {
    action = action || '';
    if (body.indexOf(SOAP_12) >= 0) {
      return {
        'Content-Type': 'application/soap+xml; charset=utf-8' + (action ? '; action="' + action + '"' : ''),
        Accept: 'application/soap+xml'
      };
    }
    if (body.indexOf(SOAP_11) >= 0) {
      return { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"' + action + '"', Accept: 'text/xml' };
    }
    return null;
  }

  function soapRequest() {
    var panel = $('soap-panel');
    var envelope = $('soap-envelope');
    if (!panel || !envelope) return null;
    var body = envelope.value;
    var headers = soapHeaders(body, panel.getAttribute('data-soap-action')) ||
      soapHeaders(SOAP_11, panel.getAttribute('data-soap-action'));
    delete headers.Accept;
    return { method: 'POST', url: panel.getAttribute('data-endpoint') || '', headers: headers, body: body };
  }

  function initSoap() {
    var panel = $('soap-panel');
    if (!panel) return;
    var bearer = $('soap-bearer');
    document.addEventListener('portcullis:token', function (event) {
      if (bearer) bearer.value = event.detail.accessToken;
    });
    var send = $('soap-send');
    var output = $('soap-response');
    if (!send) return;
    send.addEventListener('click', function () {
      var request = soapRequest();
      if (bearer && bearer.value) request.headers.Authorization = 'Bearer ' + bearer.value;
      var started = performance.now();
      fetch(request.url, {
        method: request.method,
        credentials: 'omit',
        headers: request.headers,
        body: request.body
      })
        .then(function (response) {
          return response.text().then(function (text) {
            var ms = Math.round(performance.now() - started);
            output.setAttribute('data-status', String(response.status));
            say(output, response.status + ' (' + ms + ' ms)\n' + text, !response.ok);
          });
        })
        .catch(function (e) {
          say(output, 'Not sent: ' + e.message, true);
        });
    });
  }

  window.PortcullisPortal = { soapRequest: soapRequest, soapHeaders: soapHeaders };

  function init() {
    initKeys();
    initBearer();
    initSoap();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
