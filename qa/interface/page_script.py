"""The chat page's own style sheet and script (installed by :func:`qa.interface.ui.build_ui`).

The script is small and does four things the chat widget cannot: open the source view when a
citation is clicked (asking the server for the document), copy a reply as plain text instead
of its markup, scroll a new reply to its top rather than its bottom, and count characters
in the question box.
"""

from __future__ import annotations

CSS = """
<style>
.qa-plain { display: none !important; }
#qa-chat { height: calc(100dvh - 300px) !important; min-height: 320px; max-height: none !important; }
#qa-chat .qa-conf { border-bottom: 1px dotted currentColor; cursor: help; font-size: 0.9em; }
#qa-chat .qa-conf_high { color: #1a7f37; }
#qa-chat .qa-conf_medium { color: #9a6700; }
#qa-chat .qa-conf_low { color: #cf222e; }
#qa-chat .qa-not-found { margin-top: 0; }
#qa-chat a.qa-source { cursor: pointer; text-decoration: underline; }
#qa-clear { max-width: 10em; align-self: flex-end; }
#qa-clear button, button#qa-clear { background: transparent !important; box-shadow: none !important;
  border: 1px solid var(--border-color-primary) !important; font-weight: normal;
  color: var(--body-text-color-subdued); }
#qa-counter { text-align: right; font-size: 0.85em; color: var(--body-text-color-subdued); min-height: 1.2em; }
#qa-counter .qa-full { color: #cf222e; }
#qa-source { display: none; }
#qa-source.qa-open { display: block; position: fixed; top: 0; right: 0; bottom: 0; z-index: 1000;
  width: min(560px, 100vw); overflow-y: auto; padding: 12px 16px; background: var(--background-fill-primary);
  box-shadow: -4px 0 16px rgba(0, 0, 0, 0.25); }
#qa-source .qa-pn { color: var(--body-text-color-subdued); font-size: 0.85em; margin-right: 0.3em; }
#qa-source .qa-cited { background: var(--background-fill-secondary); }
#qa-source .qa-close { float: right; margin-left: 8px; padding: 2px 10px;
  border: 1px solid var(--border-color-primary); border-radius: 4px; }
#qa-source .qa-source-facts { color: var(--body-text-color-subdued); font-size: 0.9em; }
@media (max-width: 640px) {
  #qa-chat { height: calc(100dvh - 240px) !important; }
  #qa-chat label[data-testid='block-label'], #qa-chat .block-label { display: none !important; }
}
</style>
"""

# `element`, `server` and `props` are given by gr.HTML's js_on_load; everything else is plain DOM.
JS = r"""
const panel = document.getElementById('qa-source');
const show = async (href) => {
  const lang = window.__qaLang || 'en';
  props.value = await server.source({href: href, lang: lang});
  panel.classList.add('qa-open');
  window.__qaSourceShown = href;
  const scrollToMark = (tries) => {
    const mark = panel.querySelector('mark');
    if (mark) { mark.scrollIntoView({block: 'center'}); window.__qaSourceScrolled = href; }
    else if (tries > 0) { setTimeout(() => scrollToMark(tries - 1), 50); }
  };
  scrollToMark(40);
};
const plainOf = (node) => {
  const plain = node.querySelector('.qa-plain');
  if (plain) {  // hidden, so innerText would drop the line breaks: decode the markup instead
    const decoder = document.createElement('textarea');
    decoder.innerHTML = plain.innerHTML.replace(/<br\s*\/?>/gi, '\n');
    return decoder.value;
  }
  return node.innerText.trim();
};
const MESSAGE = '[data-testid="bot"], [data-testid="user"]';
// A message's buttons sit after it, as a sibling of (an ancestor of) the message.
const messageOf = (button) => {
  let node = button;
  while (node.parentElement && node.parentElement.id !== 'qa-chat' && !node.parentElement.querySelector(MESSAGE)) {
    node = node.parentElement;
  }
  const inside = node.querySelectorAll(MESSAGE);
  if (inside.length === 1) return inside[0];
  for (let sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
    const found = sibling.matches(MESSAGE) ? [sibling] : sibling.querySelectorAll(MESSAGE);
    if (found.length) return found[found.length - 1];
  }
  return null;
};
document.addEventListener('click', (event) => {
  const link = event.target.closest && event.target.closest('a.qa-source');
  if (link) { event.preventDefault(); show(link.getAttribute('href')); return; }
  if (event.target.closest && event.target.closest('#qa-source .qa-close')) {
    panel.classList.remove('qa-open');
    return;
  }
  const button = event.target.closest && event.target.closest('#qa-chat button[aria-label]');
  if (!button || !/copy/i.test(button.getAttribute('aria-label'))) return;
  const message = /conversation|all/i.test(button.getAttribute('aria-label')) ? null : messageOf(button);
  const every = '#qa-chat ' + MESSAGE.replace(', ', ', #qa-chat ');
  const nodes = message ? [message] : [...document.querySelectorAll(every)];
  const text = nodes.map(plainOf).join('\n\n');
  event.preventDefault();
  event.stopImmediatePropagation();
  window.__qaLastCopy = text;
  if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
}, true);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') panel.classList.remove('qa-open');
});
// A new reply is scrolled to its top, so a long reply starts where it should be read.
const watchChat = () => {
  const chat = document.getElementById('qa-chat');
  if (!chat) { setTimeout(watchChat, 200); return; }
  let seen = 0;
  new MutationObserver(() => {
    const bots = chat.querySelectorAll('[data-testid="bot"]');
    const last = bots[bots.length - 1];
    if (bots.length === seen || !last || last.querySelector('.qa-pending')) return;
    seen = bots.length;
    // Scroll the chat's own scroller only, so the page (header, input) stays where it is.
    let box = last.parentElement;
    while (box && box !== chat && !(box.scrollHeight > box.clientHeight + 4
           && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
    if (box && box !== chat) {
      box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
    }
    window.__qaScrolledTo = bots.length;
  }).observe(chat, {childList: true, subtree: true});
};
watchChat();
"""

# The question box counter: a browser-only event (no server round trip per key).
COUNTER_JS = """(value) => {
  const used = [...(value || '')].length;
  const limit = %d;
  const cls = used >= limit ? ' class="qa-full"' : '';
  return `<span${cls}>${used.toLocaleString()} / ${limit.toLocaleString()}</span>`;
}"""

# On submit: the question goes to the server as typed, and the box is emptied in the browser
# at once (an `input` event updates the box's value), all before any reply can arrive.
SUBMIT_JS = """(message) => {
  const box = document.querySelector('#qa-question textarea');
  if (box) { box.value = ''; box.dispatchEvent(new Event('input', {bubbles: true})); }
  return [message];
}"""
