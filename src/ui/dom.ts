/**
 * Building DOM safely. DICOM values are untrusted input (a Patient's Name can be
 * `<img src=x onerror=…>`), so text only ever enters the page as text nodes: there is no
 * innerHTML anywhere in the UI.
 */

type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

/** Creates an element; string children become text nodes, `on…` attributes become listeners. */
export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, ...children);
  return el;
};

/** Appends children, strings as text. */
export const append = (el: Node, ...children: Child[]): void => {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
};

/** Replaces an element's content. */
export const replace = (el: Element, ...children: Child[]): void => {
  el.replaceChildren();
  append(el, ...children);
};

/** The element with this id; throws early and clearly if the page is missing it. */
export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

/** Shows or hides an element (the `hidden` attribute, so it also leaves the accessibility tree). */
export const show = (el: HTMLElement, visible: boolean): void => {
  el.hidden = !visible;
};
