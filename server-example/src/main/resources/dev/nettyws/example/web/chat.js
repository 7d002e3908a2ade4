// The chat page: joins a room over a WebSocket to /chat, shows messages, presence and the connection status, and
// reconnects with exponential backoff when the connection drops, asking for the messages after the last one shown
// (since=ID), so that a reconnect misses nothing and shows nothing twice. Plain browser JavaScript, no libraries.
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

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    askedSince = lastId !== null;
    const url = scheme + location.host + '/chat?room=' + encodeURIComponent(wanted.room) + '&nick='
      + encodeURIComponent(wanted.nick) + (askedSince ? '&since=' + encodeURIComponent(lastId) : '');
    setStatus('connecting', attempts ? 'reconnecting (' + attempts + ')' : 'connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempts = 0;
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
        setStatus('error', 'refused: ' + (e.reason || e.code));
        showNotice('connection closed: ' + (e.reason || 'code ' + e.code), 'error');
        wanted = null;
        joinForm.hidden = false;
      } else {
        // Exponential backoff with jitter, so that many clients do not come back at the same moment.
        const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempts) * (0.5 + Math.random() / 2);
        attempts++;
        setStatus('connecting', 'offline, retrying in ' + Math.round(delay / 1000) + ' s');
        reconnectTimer = setTimeout(connect, delay);
      }
    };
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
    if (!text.trim() || !socket || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    socket.send(JSON.stringify({type: 'message', text: text}));
    textEl.value = '';
  });

  el('leave-button').addEventListener('click', () => {
    wanted = null;
    clearTimeout(reconnectTimer);
    if (socket) {
      socket.close(1000, 'left');
    }
    el('chat').hidden = true;
    joinForm.hidden = false;
    setStatus('offline', 'offline');
  });

  setStatus('offline', 'offline');
})();
