// Generated from the command table by `npm run docs`; do not edit by hand.

/** Every request name (and alias) the server implements. */
export const requestNames = [
  'dns-zone-get',
  'dns-zone-list',
  'dns-zone-put',
  'grants-invite',
  'grants-list',
  'grants-revoke',
  'login',
  'logout',
  'query-account-balance',
  'query-domain-list',
  'query-order-list',
  'query-price-list',
  'query-profile',
  'query-promos-list',
  'query-request-list',
  'query-tld-list',
  'result-delete',
  'result-list',
  'result-retrieve',
  'version',
  'wa-email-details',
  'wa-email-list',
  'wa-email-query-status',
  'wa-email-validate',
  'wa-email-verify',
] as const;

export type RequestName = (typeof requestNames)[number];
