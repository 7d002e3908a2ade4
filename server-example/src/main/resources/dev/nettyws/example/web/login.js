// Scan-to-login: this page asks for a one-time login, shows its confirmation link as a QR code and waits in the
// login's room over the transport of ?transport=ws|sse|longpoll|poll (default ws); opened with ?confirm=ID (the link
// in the code, on the "phone") it confirms the login instead. A message in the room only nudges the waiting page,
// which then asks for the login's state with the secret only it has. Plain browser JavaScript, no libraries.
(function () {
  'use strict';

  const TRANSPORTS = {ws: 'WebSocket', sse: 'Server-Sent Events', longpoll: 'long polling', poll: 'polling'};
  const el = (id) => document.getElementById(id);
  const enc = encodeURIComponent;
  const params = new URLSearchParams(location.search);
  const asked = params.get('transport');
  const transport = Object.prototype.hasOwnProperty.call(TRANSPORTS, asked) ? asked : 'ws';
  const POLL_INTERVAL_MS = Math.max(100, Number(params.get('interval')) || 1000);
  const confirmId = params.get('confirm');

  function setStatus(state, text) {
    el('status').className = 'status ' + state;
    el('status').textContent = text;
  }

  function api(path, body) {
    const init = body === undefined ? {cache: 'no-store'}
      : {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)};
    return fetch(path, init).then((r) => r.json().catch(() => ({})).then((json) => ({status: r.status, json})));
  }

  if (confirmId) {
    el('phone').hidden = false;
    setStatus('online', 'confirm the login');
    el('phone').addEventListener('submit', (e) => {
      e.preventDefault();
      window.confirmedAt = Date.now();
      api('/chat/login/confirm', {login: confirmId, name: el('name').value.trim()}).then(({status, json}) => {
        el('phone-status').textContent = status === 204 ? 'confirmed' : 'refused: ' + (json.reason || status);
      });
    });
    return;
  }

  el('transport').textContent = TRANSPORTS[transport];
  let login = null;
  let done = false;
  let stop = () => {};

  function loggedIn(name) {
    done = true;
    window.loggedInAt = Date.now();
    stop();
    el('desktop').hidden = true;
    el('welcome').hidden = false;
    el('who').textContent = name;
    setStatus('online', 'logged in');
  }

  function check() {
    if (done) {
      return;
    }
    api('/chat/login/status?login=' + enc(login.login) + '&secret=' + enc(login.secret)).then(({json}) => {
      if (json.confirmed && !done) {
        loggedIn(json.name);
      }
    });
  }

  function onEvent(event) {
    if (event.type === 'welcome') {
      setStatus('connecting', 'waiting for confirmation');
      check();
    } else if (event.type === 'history') {
      event.messages.forEach(onEvent);
    } else if (event.type === 'message' && event.nick === 'login') {
      check();
    }
  }

  function listen() {
    const join = 'room=' + enc(login.room) + '&nick=waiting';
    if (transport === 'ws') {
      const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/chat?' + join);
      ws.onmessage = (e) => onEvent(JSON.parse(e.data));
      stop = () => ws.close(1000, 'logged in');
    } else if (transport === 'sse') {
      const es = new EventSource('/chat/events?' + join);
      es.onmessage = (e) => onEvent(JSON.parse(e.data));
      stop = () => es.close();
    } else {
      let timer = null;
      let session = null;
      const wait = transport === 'longpoll';
      const poll = (since) => api('/chat/poll?session=' + enc(session) + '&since=' + since + (wait ? '&wait=1' : ''))
        .then(({status, json}) => {
          if (done || status !== 200) {
            return;
          }
          json.events.forEach(onEvent);
          timer = setTimeout(() => poll(json.next), wait ? 0 : POLL_INTERVAL_MS);
        });
      api('/chat/session', {room: login.room, nick: 'waiting'}).then(({json}) => {
        session = json.session;
        poll(0);
      });
      stop = () => {
        clearTimeout(timer);
        if (session) {
          api('/chat/leave?session=' + enc(session), {}).catch(() => {});
        }
      };
    }
  }

  api('/chat/login/start', {}).then(({status, json}) => {
    if (status !== 200) {
      setStatus('error', 'refused: ' + (json.reason || status));
      return;
    }
    login = json;
    el('desktop').hidden = false;
    el('qr').src = '/chat/login/qr.svg?login=' + enc(login.login);
    const link = '/login.html?confirm=' + enc(login.login);
    el('confirm-link').href = link;
    el('confirm-link').textContent = location.origin + link;
    setStatus('connecting', 'connecting');
    listen();
  });
})();
