// The developer portal's script (docs/PORTAL.md). Served from the class path; the pages carry no
// inline script (CSP script-src 'self'). The Try API console talks to the gateway from this
// browser, same origin: the portal never fetches a URL on a developer's behalf. Tokens live in
// this page's memory only.
(function () {
  'use strict';

  function $(id) { return document.getElementById(id); }

  // Copy buttons: data-copy names the element whose text is copied.
  document.addEventListener('click', function (e) {
    var target = e.target.closest ? e.target.closest('[data-copy]') : null;
    if (!target) return;
    var source = $(target.getAttribute('data-copy'));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent).then(function () {
        target.textContent = 'Copied';
      }, function () { /* no clipboard over plain HTTP: the text is on the page */ });
    }
  });

  var consoleEl = $('console');
  if (!consoleEl) return;

  var tokens = [];
  var tabs = ['parameters', 'authorization', 'header', 'body'];

  function showTab(name) {
    tabs.forEach(function (t) {
      $('tab-' + t).setAttribute('aria-selected', String(t === name));
      $('panel-' + t).hidden = t !== name;
    });
  }
  tabs.forEach(function (t) {
    $('tab-' + t).addEventListener('click', function () { showTab(t); });
  });

  function selectedApp() {
    var option = $('application').selectedOptions[0];
    return option && option.value ? option : null;
  }
  function appChanged() {
    var app = selectedApp();
    $('client-id').value = app ? app.getAttribute('data-client-id') : '';
    $('bearer-panel').setAttribute('data-client-id', app ? app.getAttribute('data-client-id') : '');
    var help = $('application-help');
    if (!app) help.textContent = 'The application whose token calls the API.';
    else if (app.getAttribute('data-access') === 'granted') help.textContent = 'Client id ' + app.getAttribute('data-client-id') + '; may call this API.';
    else if (app.getAttribute('data-access') === 'pending') help.textContent = 'Its access request waits for an administrator: calls are refused until then.';
    else help.textContent = 'It is not associated with this API: calls are refused.';
  }
  $('application').addEventListener('change', appChanged);
  appChanged();

  $('resource').addEventListener('change', function () {
    var option = $('resource').selectedOptions[0];
    $('method').value = option.getAttribute('data-method') || 'GET';
    $('path').value = option.getAttribute('data-path') || consoleEl.getAttribute('data-base-path') + '/';
    var body = option.getAttribute('data-body');
    if (body) $('body').value = body;
    // A SOAP operation: the headers of its envelope's version (portal-extra.js), in the Header tab.
    var soap = body && window.PortcullisPortal ? window.PortcullisPortal.soapHeaders(body, option.getAttribute('data-soap-action')) : null;
    if (soap) {
      ['SOAPAction', 'Content-Type', 'Accept'].forEach(function (name) {
        if (soap[name]) setHeader(name, soap[name]);
        else removeHeader(name);
      });
    }
  });

  $('auth-type').addEventListener('change', function () {
    var type = $('auth-type').value;
    $('auth-jwt').hidden = type !== 'jwt';
    $('auth-oauth2').hidden = type !== 'oauth2';
    $('auth-bearer').hidden = type !== 'bearer';
  });

  function base64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = '';
    bytes.forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary);
  }

  function claimsOf(token) {
    var parts = token.split('.');
    if (parts.length !== 3) return null;
    try {
      var json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
      var bytes = Uint8Array.from(json, function (c) { return c.charCodeAt(0); });
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      return null;
    }
  }

  function tokenError(text) {
    var el = $('token-error');
    el.textContent = text;
    el.hidden = !text;
  }

  function addToken(token, expiresIn, source) {
    var claims = claimsOf(token);
    var expires = claims && claims.exp ? claims.exp * 1000 : Date.now() + (expiresIn || 0) * 1000;
    tokens.unshift({ token: token, expires: expires, source: source, claims: claims });
    renderTokens();
  }

  // portal-extra.js signs the JWT bearer grant's assertion and announces the token it got.
  document.addEventListener('portcullis:token', function (event) {
    var app = selectedApp();
    addToken(event.detail.accessToken, event.detail.expiresIn, 'JWT bearer grant' + (app ? ' for ' + app.value : ''));
  });

  function remaining(t) {
    var s = Math.round((t.expires - Date.now()) / 1000);
    if (s <= 0) return 'expired';
    var m = Math.floor(s / 60);
    return 'expires in ' + (m > 0 ? m + ' min ' : '') + (s % 60) + ' s';
  }

  function renderTokens() {
    var list = $('tokens');
    list.textContent = '';
    if (!tokens.length) {
      var none = document.createElement('li');
      none.className = 'muted';
      none.textContent = 'No token yet.';
      list.appendChild(none);
      return;
    }
    tokens.forEach(function (t, i) {
      var li = document.createElement('li');
      var radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'token';
      radio.id = 'token-' + i;
      radio.value = String(i);
      radio.checked = i === 0;
      var label = document.createElement('label');
      label.htmlFor = radio.id;
      label.textContent = t.source + ' · ' + t.token.slice(0, 16) + '… · ';
      var countdown = document.createElement('span');
      countdown.className = 'countdown';
      countdown.setAttribute('data-token', String(i));
      countdown.textContent = remaining(t);
      label.appendChild(countdown);
      li.appendChild(radio);
      li.appendChild(label);
      if (t.claims) {
        var details = document.createElement('details');
        var summary = document.createElement('summary');
        summary.textContent = 'Claims';
        var pre = document.createElement('pre');
        pre.className = 'code claims';
        pre.textContent = JSON.stringify(t.claims, null, 2);
        details.appendChild(summary);
        details.appendChild(pre);
        li.appendChild(details);
      }
      list.appendChild(li);
    });
  }
  setInterval(function () {
    document.querySelectorAll('#tokens .countdown').forEach(function (el) {
      var t = tokens[Number(el.getAttribute('data-token'))];
      if (t) el.textContent = remaining(t);
    });
  }, 1000);

  function readJson(response) {
    return response.text().then(function (text) {
      var body = null;
      try { body = JSON.parse(text); } catch (e) { /* not JSON */ }
      return { status: response.status, body: body, text: text };
    });
  }

  function problem(result) {
    var b = result.body || {};
    return 'HTTP ' + result.status + ': ' + (b.error_description || b.detail || b.error || b.title || result.text);
  }

  $('get-token').addEventListener('click', function () {
    tokenError('');
    var app = selectedApp();
    if (!app) { tokenError('Select an application first.'); return; }
    var user = $('jwt-username').value;
    var password = $('jwt-password').value;
    fetch('/oauth2/jwt?app_id=' + encodeURIComponent(app.getAttribute('data-client-id')), {
      method: 'POST',
      credentials: 'omit',
      headers: { 'Authorization': 'Basic ' + base64(user + ':' + password) }
    }).then(readJson).then(function (result) {
      if (result.status !== 200 || !result.body || !result.body.jwt) { tokenError(problem(result)); return; }
      addToken(result.body.jwt, result.body.expires_in, 'JWT for ' + app.value);
    }, function (e) { tokenError('The gateway could not be reached: ' + e.message); });
  });

  $('get-oauth-token').addEventListener('click', function () {
    tokenError('');
    var form = new URLSearchParams();
    form.set('grant_type', 'client_credentials');
    if ($('scope').value.trim()) form.set('scope', $('scope').value.trim());
    fetch('/oauth2/token', {
      method: 'POST',
      credentials: 'omit',
      headers: {
        'Authorization': 'Basic ' + base64(encodeURIComponent($('client-id').value) + ':' + encodeURIComponent($('client-secret').value)),
        'Content-Type': 'application/x-www-form-urlencoded'
      },
      body: form.toString()
    }).then(readJson).then(function (result) {
      if (result.status !== 200 || !result.body || !result.body.access_token) { tokenError(problem(result)); return; }
      addToken(result.body.access_token, result.body.expires_in, 'OAuth 2.0 for ' + $('client-id').value);
    }, function (e) { tokenError('The gateway could not be reached: ' + e.message); });
  });

  function setHeader(name, value) {
    for (var i = 0; $('header-name-' + i); i++) {
      var n = $('header-name-' + i);
      if (n.value.toLowerCase() === name.toLowerCase() || !n.value) {
        n.value = name;
        $('header-value-' + i).value = value;
        return;
      }
    }
  }

  function removeHeader(name) {
    for (var i = 0; $('header-name-' + i); i++) {
      if ($('header-name-' + i).value.toLowerCase() === name.toLowerCase()) {
        $('header-name-' + i).value = '';
        $('header-value-' + i).value = '';
      }
    }
  }

  $('update').addEventListener('click', function () {
    var chosen = document.querySelector('#tokens input[name="token"]:checked');
    if (!chosen) { tokenError('Get a token first.'); return; }
    setHeader('Authorization', 'Bearer ' + tokens[Number(chosen.value)].token);
    showTab('header');
  });

  function request() {
    var path = $('path').value.trim() || '/';
    var query = [];
    $('parameters').value.split(/\r?\n/).forEach(function (line) {
      var eq = line.indexOf('=');
      if (eq <= 0) return;
      var name = line.slice(0, eq).trim();
      var value = line.slice(eq + 1).trim();
      if (path.indexOf('{' + name + '}') >= 0) path = path.replace('{' + name + '}', encodeURIComponent(value));
      else query.push(encodeURIComponent(name) + '=' + encodeURIComponent(value));
    });
    if (query.length) path += (path.indexOf('?') >= 0 ? '&' : '?') + query.join('&');
    var headers = {};
    for (var i = 0; $('header-name-' + i); i++) {
      var n = $('header-name-' + i).value.trim();
      var v = $('header-value-' + i).value.trim();
      if (n && v) headers[n] = v;
    }
    var method = $('method').value;
    var body = method === 'GET' || method === 'HEAD' ? null : $('body').value;
    return { method: method, path: path, headers: headers, body: body || null };
  }

  $('send').addEventListener('click', function () {
    var r = request();
    $('response-status').textContent = '…';
    $('response-status').className = 'chip';
    var started = performance.now();
    fetch(r.path, { method: r.method, headers: r.headers, body: r.body, credentials: 'omit', redirect: 'manual' })
      .then(function (response) {
        return response.text().then(function (text) {
          var ms = Math.round(performance.now() - started);
          var status = $('response-status');
          status.textContent = response.status + ' ' + response.statusText;
          status.className = 'chip ' + (response.status < 400 ? 'ok' : 'bad');
          $('response-time').textContent = ms + ' ms';
          $('response-size').textContent = new TextEncoder().encode(text).length + ' bytes';
          var lines = [];
          response.headers.forEach(function (value, name) { lines.push(name + ': ' + value); });
          $('response-headers').textContent = lines.join('\n');
          var shown = text;
          try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) {
            if (/xml/i.test(response.headers.get('Content-Type') || '')) shown = formatXml(text);
          }
          $('response-body').textContent = shown;
        });
      }, function (e) {
        $('response-status').textContent = 'failed';
        $('response-status').className = 'chip bad';
        $('response-body').textContent = 'The gateway could not be reached: ' + e.message;
      });
  });

  // An XML body (a SOAP answer) one element a line, indented as JSON is; text that does not parse
  // as XML stays as sent. Only text comes out: the page never renders the answer as markup.
  function formatXml(text) {
    var doc = new DOMParser().parseFromString(text, 'application/xml');
    if (doc.getElementsByTagName('parsererror').length) return text;
    function esc(v, attr) {
      v = v.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      return attr ? v.replace(/"/g, '&quot;') : v.replace(/>/g, '&gt;');
    }
    var lines = [];
    function walk(node, depth) {
      var pad = new Array(depth + 1).join('  ');
      if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE) {
        var t = node.nodeValue.trim();
        if (t) lines.push(pad + esc(t, false));
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) {
        lines.push(pad + new XMLSerializer().serializeToString(node));
        return;
      }
      var open = '<' + node.nodeName;
      for (var i = 0; i < node.attributes.length; i++) {
        open += ' ' + node.attributes[i].name + '="' + esc(node.attributes[i].value, true) + '"';
      }
      var children = Array.prototype.filter.call(node.childNodes, function (c) {
        return !(c.nodeType === Node.TEXT_NODE && !c.nodeValue.trim());
      });
      if (!children.length) { lines.push(pad + open + '/>'); return; }
      if (children.length === 1 && children[0].nodeType === Node.TEXT_NODE) {
        lines.push(pad + open + '>' + esc(children[0].nodeValue.trim(), false) + '</' + node.nodeName + '>');
        return;
      }
      lines.push(pad + open + '>');
      children.forEach(function (c) { walk(c, depth + 1); });
      lines.push(pad + '</' + node.nodeName + '>');
    }
    Array.prototype.forEach.call(doc.childNodes, function (n) { walk(n, 0); });
    return lines.join('\n');
  }

  function quote(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; }

  $('copy-curl').addEventListener('click', function () {
    var r = request();
    var parts = ['curl', '-i', '-X', r.method, quote(location.origin + r.path)];
    Object.keys(r.headers).forEach(function (n) { parts.push('-H', quote(n + ': ' + r.headers[n])); });
    if (r.body) parts.push('--data-binary', quote(r.body));
    var text = parts.join(' ');
    var pre = $('curl');
    pre.textContent = text;
    pre.hidden = false;
    if (navigator.clipboard) navigator.clipboard.writeText(text).catch(function () {});
  });
})();
