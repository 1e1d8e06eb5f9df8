// Passkeys (WebAuthn). A form marked data-passkey="create" or "get" fetches its options from data-passkey-options
// (a POST carrying the form's antiforgery token), asks the browser for a passkey, puts the answer (JSON, binary as
// base64url) into the form's "Credential" field and submits the form as usual. Without WebAuthn, the form stays hidden
// and the element marked data-passkey-unsupported says so.
(function () {
  'use strict';

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    var binary = atob(base64 + '==='.slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function descriptors(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: toBytes(c.id) }); });
  }

  function creationOptions(o) {
    o.challenge = toBytes(o.challenge);
    o.user = Object.assign({}, o.user, { id: toBytes(o.user.id) });
    o.excludeCredentials = descriptors(o.excludeCredentials);
    return { publicKey: o };
  }

  function requestOptions(o) {
    o.challenge = toBytes(o.challenge);
    o.allowCredentials = descriptors(o.allowCredentials);
    return { publicKey: o };
  }

  function created(c) {
    return {
      id: c.id,
      rawId: toBase64url(c.rawId),
      type: c.type,
      response: {
        attestationObject: toBase64url(c.response.attestationObject),
        clientDataJSON: toBase64url(c.response.clientDataJSON),
        transports: c.response.getTransports ? c.response.getTransports() : []
      },
      clientExtensionResults: c.getClientExtensionResults()
    };
  }

  function asserted(c) {
    return {
      id: c.id,
      rawId: toBase64url(c.rawId),
      type: c.type,
      response: {
        authenticatorData: toBase64url(c.response.authenticatorData),
        clientDataJSON: toBase64url(c.response.clientDataJSON),
        signature: toBase64url(c.response.signature),
        userHandle: toBase64url(c.response.userHandle)
      },
      clientExtensionResults: c.getClientExtensionResults()
    };
  }

  function showError(form, message) {
    var box = form.querySelector('[data-passkey-error]');
    if (box) {
      box.textContent = message;
      box.hidden = false;
      box.focus();
    }
  }

  var supported = !!(window.PublicKeyCredential && navigator.credentials && navigator.credentials.create && window.isSecureContext);
  document.querySelectorAll('[data-passkey-unsupported]').forEach(function (el) { el.hidden = supported; });
  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    if (!supported) { return; }
    form.hidden = false;
    var busy = false;
    form.addEventListener('submit', function (event) {
      if (form.dataset.passkeyDone === 'true') { return; }
      event.preventDefault();
      if (busy) { return; }
      busy = true;
      var create = form.dataset.passkey === 'create';
      fetch(form.dataset.passkeyOptions, { method: 'POST', body: new FormData(form), credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (response) {
          if (!response.ok) { throw new Error('options'); }
          return response.json();
        })
        .then(function (options) {
          return create ? navigator.credentials.create(creationOptions(options)) : navigator.credentials.get(requestOptions(options));
        })
        .then(function (credential) {
          form.querySelector('input[name="Credential"]').value = JSON.stringify(create ? created(credential) : asserted(credential));
          form.dataset.passkeyDone = 'true';
          form.submit();
        })
        .catch(function (error) {
          busy = false;
          showError(form, error && error.name === 'InvalidStateError'
            ? 'This passkey or security key is already set up for SafeUse.'
            : 'The passkey was not used. Try again, or use another way to continue.');
        });
    });
  });
})();
