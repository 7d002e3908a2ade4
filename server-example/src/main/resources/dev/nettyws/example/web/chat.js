// The chat page: joins a room over a WebSocket to /chat (or, with ?transport=sse|longpoll|poll, over the chat's HTTP
// transports), shows messages, presence, the connection status and the transport, and reconnects with exponential
// backoff when the connection drops, asking for the messages after the last one shown (since=ID), so that a
// reconnect misses nothing and shows nothing twice. Plain browser JavaScript, no libraries.
(function () {
  'use strict';

  const RECONNECT_MIN_MS = 500;
  const RECONNECT_MAX_MS = 30000;
  // Close codes after which reconnecting would not help: bad nick or room, flooding, unsupported data; except a
  // client that fell behind the room, which catches up by reconnecting.
  const FINAL_CODES = new Set([1003, 1008]);
  const RETRY_REASONS = new Set(['too many bytes queued', 'write stalled']);
  // Ids of the messages shown, to drop a repeat: the last ones only, in order of arrival.
  const SHOWN_IDS_KEPT = 1000;

  const el = (id) => document.getElementById(id);
  const joinForm = el('join');
  const sendForm = el('send');
  const statusEl = el('status');
  const messagesEl = el('messages');
  const presenceEl = el('presence');
  const textEl = el('text');

  let socket = null;
  let wanted = null; // {nick, room} while the user wants to be in a room
  let myNick = null;
  let attempts = 0;
  let reconnectTimer = null;
  let lastId = null; // the id of the last message shown: the next connection asks for the messages after it
  let replaceOnHistory = true; // the first history of a fresh join replaces what is shown
  let askedSince = false; // this connection asked for the messages after lastId
  const shownIds = new Set();
  const present = [];

  function setStatus(state, text) {
    statusEl.className = 'status ' + state;
    statusEl.textContent = text;
    el('send-button').disabled = state !== 'online';
  }

  function time(ts) {
    return new Date(ts).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});
  }

  function append(li) {
    const atBottom = messagesEl.scrollTop + messagesEl.clientHeight >= messagesEl.scrollHeight - 4;
    messagesEl.appendChild(li);
    if (atBottom) {
      messagesEl.scrollTop = messagesEl.scrollHeight;
    }
  }

  function showMessage(msg) {
    const li = document.createElement('li');
    li.className = 'message' + (msg.nick === myNick ? ' mine' : '');
    const t = document.createElement('span');
    t.className = 'time';
    t.textContent = time(msg.ts);
    const nick = document.createElement('span');
    nick.className = 'nick';
    nick.textContent = msg.nick;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = msg.text;
    li.append(t, nick, text);
    append(li);
  }

  function showMessageOnce(msg) {
    if (msg.id !== undefined) {
      if (shownIds.has(msg.id)) {
        return;
      }
      shownIds.add(msg.id);
      if (shownIds.size > SHOWN_IDS_KEPT) {
        shownIds.delete(shownIds.values().next().value);
      }
      lastId = msg.id;
    }
    showMessage(msg);
  }

  function showNotice(text, kind) {
    const li = document.createElement('li');
    li.className = kind || 'notice';
    li.textContent = text;
    append(li);
  }

  function renderPresence() {
    presenceEl.replaceChildren(...present.map((nick) => {
      const li = document.createElement('li');
      li.textContent = nick === myNick ? nick + ' (you)' : nick;
      return li;
    }));
  }

  function onEvent(event) {
    switch (event.type) {
      case 'welcome':
        myNick = event.nick;
        el('room-title').textContent = '#' + event.room + ' as ' + event.nick;
        break;
      case 'history':
        // In one or more pieces ("more": true on all but the last). After a reconnect it holds the messages after
        // the last one shown ("complete": false when some of them are no longer kept).
        if (replaceOnHistory) {
          messagesEl.replaceChildren();
          shownIds.clear();
          replaceOnHistory = false;
        }
        if (askedSince && !event.complete) {
          askedSince = false;
          showNotice('some messages sent while you were away are no longer available', 'error');
        }
        event.messages.forEach(showMessageOnce);
        break;
      case 'presence':
        present.splice(0, present.length, ...event.nicks);
        renderPresence();
        break;
      case 'join':
        if (!present.includes(event.nick)) {
          present.push(event.nick);
        }
        renderPresence();
        showNotice(event.nick + ' joined');
        break;
      case 'leave': {
        const i = present.indexOf(event.nick);
        if (i >= 0) {
          present.splice(i, 1);
        }
        renderPresence();
        showNotice(event.nick + ' left');
        break;
      }
      case 'message':
        showMessageOnce(event);
        break;
      case 'error':
        showNotice('server: ' + event.reason, 'error');
        break;
      default:
        // A newer server may send more types; ignore them.
        break;
    }
  }

  // The transport: ?transport=ws|sse|longpoll|poll (default ws). A WebSocket that cannot open at all on the first
  // try (a proxy that breaks it) makes the page fall back to long polling by itself, unless ws was asked for.
  const TRANSPORTS = {ws: 'WebSocket', sse: 'Server-Sent Events', longpoll: 'long polling', poll: 'polling'};
  const params = new URLSearchParams(location.search);
  const asked = params.get('transport');
  let transport = Object.prototype.hasOwnProperty.call(TRANSPORTS, asked) ? asked : 'ws';
  const POLL_INTERVAL_MS = Math.max(100, Number(params.get('interval')) || 1000);
  let wsEverOpened = false;
  let session = null; // the HTTP session id (sse, longpoll, poll)
  let eventSource = null;
  let pollTimer = null;
  let generation = 0; // bumped by each connect and leave: answers for an older one are ignored

  function showTransport() {
    el('transport').textContent = TRANSPORTS[transport];
    document.body.dataset.transport = transport;
  }

  function joinQuery() {
    askedSince = lastId !== null;
    return 'room=' + encodeURIComponent(wanted.room) + '&nick=' + encodeURIComponent(wanted.nick)
      + (askedSince ? '&since=' + encodeURIComponent(lastId) : '');
  }

  function retryLater() {
    // Exponential backoff with jitter, so that many clients do not come back at the same moment.
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempts) * (0.5 + Math.random() / 2);
    attempts++;
    setStatus('connecting', 'offline, retrying in ' + Math.round(delay / 1000) + ' s');
    reconnectTimer = setTimeout(connect, delay);
  }

  function refused(reason) {
    setStatus('error', 'refused: ' + reason);
    showNotice('connection closed: ' + reason, 'error');
    wanted = null;
    joinForm.hidden = false;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    generation++;
    setStatus('connecting', attempts ? 'reconnecting (' + attempts + ')' : 'connecting');
    showTransport();
    if (transport === 'ws') {
      connectWebSocket();
    } else if (transport === 'sse') {
      connectEventSource();
    } else {
      joinPolling();
    }
  }

  function connectWebSocket() {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const ws = new WebSocket(scheme + location.host + '/chat?' + joinQuery());
    socket = ws;
    ws.onopen = () => {
      attempts = 0;
      wsEverOpened = true;
      setStatus('online', 'online');
      textEl.focus();
    };
    ws.onmessage = (e) => {
      try {
        onEvent(JSON.parse(e.data));
      } catch (err) {
        showNotice('unreadable event from the server', 'error');
      }
    };
    ws.onclose = (e) => {
      if (socket !== ws) {
        return;
      }
      socket = null;
      if (!wanted) {
        setStatus('offline', 'offline');
      } else if (FINAL_CODES.has(e.code) && !RETRY_REASONS.has(e.reason)) {
        refused(e.reason || 'code ' + e.code);
      } else if (!wsEverOpened && asked !== 'ws') {
        transport = 'longpoll';
        showNotice('WebSocket unavailable: falling back to long polling');
        connect();
      } else {
        retryLater();
      }
    };
  }

  // Server-Sent Events: the browser reconnects a dropped stream by itself with Last-Event-ID; a stream the server
  // refused (or ended) is opened again here with since=.
  function connectEventSource() {
    const es = new EventSource('/chat/events?' + joinQuery());
    eventSource = es;
    es.onmessage = (e) => {
      try {
        const event = JSON.parse(e.data);
        if (event.type === 'session') {
          session = event.session;
        } else if (event.type === 'welcome') {
          attempts = 0;
          setStatus('online', 'online');
        }
        onEvent(event);
      } catch (err) {
        showNotice('unreadable event from the server', 'error');
      }
    };
    es.onerror = () => {
      if (eventSource !== es) {
        return;
      }
      session = null;
      if (es.readyState === EventSource.CLOSED) {
        eventSource = null;
        retryLater();
      } else {
        setStatus('connecting', 'reconnecting');
      }
    };
  }

  function api(path, body) {
    const init = body === undefined ? {cache: 'no-store'}
      : {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)};
    return fetch(path, init).then((r) => r.json().catch(() => ({})).then((json) => ({status: r.status, json})));
  }

  // Long and short polling: join with a POST, then ask for the events after the number last given; long polls are
  // held by the server until there is news, short polls come every POLL_INTERVAL_MS.
  function joinPolling() {
    const mine = generation;
    const body = {room: wanted.room, nick: wanted.nick};
    askedSince = lastId !== null;
    if (askedSince) {
      body.since = lastId;
    }
    api('/chat/session', body).then(({status, json}) => {
      if (mine !== generation) {
        return;
      }
      if (status === 200) {
        session = json.session;
        poll(mine, 0);
      } else if (status === 400) {
        refused(json.reason || 'status ' + status);
      } else {
        retryLater();
      }
    }, () => {
      if (mine === generation) {
        retryLater();
      }
    });
  }

  function poll(mine, since) {
    const wait = transport === 'longpoll';
    api('/chat/poll?session=' + encodeURIComponent(session) + '&since=' + since + (wait ? '&wait=1' : ''))
      .then(({status, json}) => {
        if (mine !== generation) {
          return;
        }
        if (status !== 200) {
          // The session ended (expired, or the client fell behind): join again, asking for what was missed.
          session = null;
          retryLater();
          return;
        }
        json.events.forEach((event) => {
          if (event.type === 'welcome') {
            attempts = 0;
            setStatus('online', 'online');
          }
          onEvent(event);
        });
        pollTimer = setTimeout(() => poll(mine, json.next), wait ? 0 : POLL_INTERVAL_MS);
      }, () => {
        if (mine === generation) {
          // A network error: ask again with the same number after a pause; nothing is lost.
          setStatus('connecting', 'reconnecting');
          pollTimer = setTimeout(() => poll(mine, since), RECONNECT_MIN_MS * (1 + Math.random()));
        }
      });
  }

  function send(text) {
    if (transport === 'ws') {
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        return false;
      }
      socket.send(JSON.stringify({type: 'message', text: text}));
      return true;
    }
    if (!session) {
      return false;
    }
    api('/chat/send?session=' + encodeURIComponent(session), {type: 'message', text: text}).then(({status, json}) => {
      if (status !== 204) {
        showNotice('server: ' + (json.reason || 'status ' + status), 'error');
      }
    }, () => showNotice('message not sent: the server is unreachable', 'error'));
    return true;
  }

  function disconnect() {
    generation++;
    clearTimeout(pollTimer);
    if (socket) {
      socket.close(1000, 'left');
    }
    if (eventSource) {
      eventSource.close();
      eventSource = null;
    }
    if (session && transport !== 'sse') {
      api('/chat/leave?session=' + encodeURIComponent(session), {}).catch(() => {});
    }
    session = null;
  }

  joinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    wanted = {nick: el('nick').value.trim(), room: el('room').value.trim() || 'lobby'};
    attempts = 0;
    lastId = null;
    replaceOnHistory = true;
    joinForm.hidden = true;
    el('chat').hidden = false;
    messagesEl.replaceChildren();
    connect();
  });

  sendForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = textEl.value;
    if (text.trim() && send(text)) {
      textEl.value = '';
    }
  });

  el('leave-button').addEventListener('click', () => {
    wanted = null;
    clearTimeout(reconnectTimer);
    disconnect();
    el('chat').hidden = true;
    joinForm.hidden = false;
    setStatus('offline', 'offline');
  });

  showTransport();
  setStatus('offline', 'offline');
})();
