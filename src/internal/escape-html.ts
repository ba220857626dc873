/**
 * HTML escaping for the pages this package renders: the change-password page and the local tenant's
 * sign-in and error pages. Every value that comes from a request, a token or a store goes through it.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe inside HTML text and double-quoted attributes. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => ESCAPES[character] as string);
