// Raft Playground for documentation pages: the loader and the custom
// element <raft-playground>. Include it once (twice does no harm):
//
//   <script type="module" src="path/to/dist/raft-playground.js"></script>
//   <raft-playground seed="7" members="5" view="compact"></raft-playground>
//
// or from code:
//
//   import { mount } from 'path/to/dist/raft-playground.js';
//   const handle = await mount(element, { seed: 7, view: 'cluster' });
//   handle.act('crash n1'); handle.state(); handle.destroy();
//
// The wasm (raft-playground-app_bg.wasm) and style.css are found beside
// this file, whatever the page's own URL.

// The dist folder this file was loaded from, ending in "/".
export const base = new URL('./', import.meta.url).href;

const APP = new URL('raft-playground-app.js', base).href;
const WASM = new URL('raft-playground-app_bg.wasm', base).href;

// The option keys: the page's URL settings, plus view and controls.
// Attributes of <raft-playground> are the same keys.
export const KEYS = [
  'members', 'seed', 'latency', 'jitter', 'loss', 'duplicate', 'pre-vote',
  'check-quorum', 'election-tick', 'heartbeat-tick', 'speed', 'paused',
  'traffic', 'lang', 'pause-on', 'lesson', 'run', 'view', 'controls',
];

// wasm-bindgen's init is not safe to call twice at once (both calls would
// instantiate the module), and a page may load this script twice under
// different URLs (two module instances): one promise per wasm, kept on
// globalThis, serves every copy.
const loading = (globalThis.__raftPlaygroundLoading ??= new Map());

/** Resolves to the wasm module's exports once the wasm is ready. */
export function ready() {
  if (!loading.has(APP)) {
    loading.set(APP, import(APP).then(async (app) => {
      await app.default({ module_or_path: WASM });
      return app;
    }));
  }
  return loading.get(APP);
}

/**
 * Mounts one playground into `element` (an open shadow root holding the
 * stylesheet and the playground), with `options` keyed as KEYS (values are
 * strings, numbers or booleans). Resolves to its handle: play(), pause(),
 * act(line), state(), set(options), share(), destroy().
 */
export async function mount(element, options = {}) {
  if (!(element instanceof Element)) {
    throw new TypeError('raft-playground: mount(element, options) needs an element');
  }
  const app = await ready();
  const shadow = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  const root = document.createElement('div');
  root.className = 'rp-root';
  shadow.replaceChildren(styleLink(), root);
  return app.mount(root, element, { base, ...options });
}

function styleLink() {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('style.css', base).href;
  return link;
}

// Attribute values that mean "yes" for `paused` (as in the URL).
const YES = new Set(['', 'on', 'true', '1', 'yes']);

// <raft-playground>: attributes are the option keys, plus
// autoplay="visible|on|off" (default visible): run while on screen and the
// tab is shown; always; or only when the reader presses play. A pause the
// reader chose is kept: the element only resumes what it paused itself.
class RaftPlayground extends HTMLElement {
  static observedAttributes = [...KEYS, 'autoplay'];

  #handle = null;
  #mounting = false;
  #visible = false;
  // True while the pause in force is this element's own (off screen,
  // hidden tab, or not yet started), so that it may resume.
  #autoPaused = false;
  #observer = null;
  #onVisibility = () => this.#follow();

  connectedCallback() {
    if (!this.shadowRoot) {
      // Until the wasm is ready the element shows its own children (a
      // loading line, say) and is already a block.
      const shadow = this.attachShadow({ mode: 'open' });
      shadow.append(styleLink(), document.createElement('slot'));
    }
    this.#observer ??= new IntersectionObserver((entries) => {
      this.#visible = entries[entries.length - 1].isIntersecting;
      this.#follow();
    });
    this.#observer.observe(this);
    document.addEventListener('visibilitychange', this.#onVisibility);
    if (!this.#handle && !this.#mounting) this.#mount();
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
    this.#visible = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    // Moved in the document (removed and inserted at once): keep running.
    queueMicrotask(() => {
      if (!this.isConnected && this.#handle) {
        this.#handle.destroy();
        this.#handle = null;
      }
    });
  }

  attributeChangedCallback(name, old, value) {
    if (old === value || !this.#handle) return;
    if (name === 'paused' && value !== null && YES.has(value)) this.#autoPaused = false;
    if (name !== 'autoplay') this.#handle.set({ [name]: value });
    if (name === 'autoplay' && this.#mode() !== 'visible') this.#autoPaused = false;
    this.#follow();
  }

  /** The instance's handle (null until the wasm is ready). */
  get handle() {
    return this.#handle;
  }

  #mode() {
    const mode = this.getAttribute('autoplay');
    return mode === 'on' || mode === 'off' ? mode : 'visible';
  }

  async #mount() {
    this.#mounting = true;
    try {
      await ready();
      if (!this.isConnected || this.#handle) return;
      // Read the attributes now, not at connection: any set meanwhile count.
      const options = {};
      for (const key of KEYS) {
        const value = this.getAttribute(key);
        if (value !== null) options[key] = value;
      }
      // A page's own paused="on" is the reader's pause: never resumed.
      const chosenPause = 'paused' in options && YES.has(options.paused);
      this.#autoPaused = false;
      if (!chosenPause && this.#mode() !== 'on') {
        options.paused = 'on';
        this.#autoPaused = this.#mode() === 'visible';
      }
      const handle = await mount(this, options);
      if (!this.isConnected) {
        handle.destroy();
        return;
      }
      this.#handle = handle;
    } finally {
      this.#mounting = false;
    }
    this.dispatchEvent(new CustomEvent('raft-ready', { bubbles: true, composed: true }));
    // A play() before Yew's first render is safe: the App draws the sim
    // once its redraw hook registers (src/app.rs).
    this.#follow();
  }

  // Plays or pauses as autoplay="visible" asks.
  #follow() {
    const handle = this.#handle;
    if (!handle || this.#mode() !== 'visible') return;
    const wanted = this.#visible && !document.hidden;
    const playing = handle.state().playing;
    if (wanted && !playing && this.#autoPaused) {
      handle.play();
      this.#autoPaused = false;
    } else if (!wanted && playing) {
      handle.pause();
      this.#autoPaused = true;
    }
  }
}

if (!customElements.get('raft-playground')) {
  customElements.define('raft-playground', RaftPlayground);
}
