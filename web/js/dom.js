// @ts-check
// Building the page from text only: nothing the relay or a command sends becomes HTML.

/**
 * An element with attributes and children; strings become text nodes, never markup.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | boolean | undefined>} [attributes]
 * @param {Array<Node | string | null | undefined | false>} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/**
 * The element with this id, of the expected class; a missing one is a bug in index.html.
 * @template {typeof HTMLElement} T
 * @param {string} id
 * @param {T} type
 * @returns {InstanceType<T>}
 */
export function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing from the page`);
  return /** @type {InstanceType<T>} */ (element);
}

/** @param {Element} element @param {boolean} shown */
export function show(element, shown) {
  if (element instanceof HTMLElement) element.hidden = !shown;
}

// A terminal-ish log that keeps stdout and stderr apart and stays bounded in the page.
export class OutputLog {
  /** @param {HTMLElement} pre */
  constructor(pre) {
    this.pre = pre;
    this.length = 0;
    this.limit = 2_000_000; // characters kept in the page; a browser tab is no place for gigabytes
    this.cut = false;
  }

  clear() {
    this.pre.replaceChildren();
    this.length = 0;
    this.cut = false;
  }

  /** @param {'stdout' | 'stderr' | 'combined'} stream @param {string} text */
  append(stream, text) {
    if (text === '' || this.cut) return;
    // Follow the end unless the reader scrolled up to read.
    const nearEnd = this.pre.scrollHeight - this.pre.scrollTop - this.pre.clientHeight < 48;
    let kept = text;
    if (this.length + text.length > this.limit) {
      kept = text.slice(0, Math.max(0, this.limit - this.length));
      this.cut = true;
    }
    this.length += kept.length;
    const last = this.pre.lastElementChild;
    const node = last instanceof HTMLSpanElement && last.dataset.stream === stream ? last.firstChild : null;
    if (node instanceof Text) node.appendData(kept);
    else this.pre.append(el('span', { class: stream, 'data-stream': stream }, [kept]));
    if (this.cut) this.pre.append(el('span', { class: 'note' }, ['\n[the console shows the first 2 million characters only]\n']));
    if (nearEnd) this.pre.scrollTop = this.pre.scrollHeight;
  }
}
