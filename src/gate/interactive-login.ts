/**
 * What "interactive" means for the gate, in one place: a login with a person at a screen right
 * now, who can read an email or follow a redirect. The reset email (`sendResetEmail`) and the
 * change-password page both go only to such logins; everything else — refresh-token exchanges,
 * password and token-exchange grants, silent authentication (`prompt=none`) — is a program acting
 * for the user, which must get the plain deny and never send mail (an application refreshing tokens
 * in the background would otherwise mail the user at every cooldown, forever).
 * (auth0.com/docs/customize/actions/explore-triggers/post-login: `event.transaction.protocol`)
 */
export const INTERACTIVE_PROTOCOLS: ReadonlySet<string> = new Set([
  // Browser-based sign-ins through Universal Login.
  'oidc-basic-profile',
  'oidc-implicit-profile',
  'oidc-hybrid-profile',
  'samlp',
  'wsfed',
  // A person on a second screen: the device flow's activation page, and backchannel (CIBA) approval.
  'oauth2-device-code',
  'oidc-ciba',
  'oidc-ciba-web-link',
]);

/**
 * Whether a post-login event is an interactive login: its protocol is one of
 * {@link INTERACTIVE_PROTOCOLS} and it is not silent authentication (`prompt=none`). Never throws.
 */
export function isInteractiveLogin(event: unknown): boolean {
  try {
    const transaction = (event as { transaction?: { protocol?: unknown; prompt?: unknown } } | undefined)?.transaction;
    const protocol = transaction?.protocol;
    if (typeof protocol !== 'string' || !INTERACTIVE_PROTOCOLS.has(protocol)) return false;
    const prompt = transaction?.prompt;
    const silent = Array.isArray(prompt) ? prompt.includes('none') : prompt === 'none';
    return !silent;
  } catch {
    return false;
  }
}
